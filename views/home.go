package views

import "github.com/gofiber/fiber/v2"

// home is a plain landing page until the staff pages arrive: where the API
// and its reference are, and a form for the citizen's status lookup.
func (s *server) home(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(homePage)
}

const homePage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>一地 · 矛盾纠纷调处化解中心</title>
<style>
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1a1a1a}
h1{font-size:1.6rem}label{display:block;margin-top:.8rem}input{font-size:1.1rem;padding:.4rem;width:100%;box-sizing:border-box}
button{margin-top:1rem;font-size:1.1rem;padding:.5rem 1.5rem}code{background:#f2f2f2;padding:0 .3rem}
</style></head><body>
<h1>一地 · 矛盾纠纷调处化解中心</h1>
<p>矛盾纠纷化解“最多跑一地”：一个窗口受理，案件在各窗口间流转，群众少跑腿。</p>
<h2>群众查询办理进度</h2>
<form action="/status" method="get">
<label for="number">案件编号（如 YD-2026-00042）</label><input id="number" name="number" required>
<label for="code">查询码（见受理回执）</label><input id="code" name="code" required autocomplete="off">
<button type="submit">查询</button>
</form>
<p>没有来中心登记？<a href="/apply">网上申请调解</a></p>
<h2>工作人员与系统对接</h2>
<p>接口说明：<a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>；基础数据：<a href="/api/v1/meta"><code>/api/v1/meta</code></a>。</p>
</body></html>`
