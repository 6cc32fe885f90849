package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yidi/cases"
	"yidi/cases/mediation"
)

// The agreements' addresses the API and the case page share: the path's
// id, the agreement it names, and the printable 协议书.

// IDParam reads a positive numeric path id.
func IDParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &cases.Error{Kind: cases.KindNotFound, Code: "not_found", Message: "没有这条记录"}
	}
	return id, nil
}

// AgreementByID answers the case's agreement with the path's id, in any
// version; current asks for the one in force.
func AgreementByID(c *fiber.Ctx, med *mediation.Service, current bool) (*mediation.Agreement, error) {
	id, err := IDParam(c, "id")
	if err != nil {
		return nil, err
	}
	all, err := med.Agreements(c.UserContext(), ActorOf(c), c.Params("number"))
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			if current && !all[i].Effective {
				return nil, &cases.Error{Kind: cases.KindConflict, Code: "agreement_superseded",
					Message: "这份调解协议已被新的版本取代，请对生效的协议办理"}
			}
			return &all[i], nil
		}
	}
	return nil, &cases.Error{Kind: cases.KindNotFound, Code: "agreement_not_found", Message: "本案没有这份调解协议"}
}

// SendAgreement answers GET …/cases/:number/agreements/:id/document for
// the API and the case page alike: the printable 人民调解协议书 of any
// version of the case's agreement.
func SendAgreement(c *fiber.Ctx, d Deps) error {
	ag, err := AgreementByID(c, d.Med, false)
	if err != nil {
		return err
	}
	kase, err := d.Svc.Case(c.UserContext(), ActorOf(c), c.Params("number"))
	if err != nil {
		return err
	}
	var sb strings.Builder
	if err := agreementTemplate.Execute(&sb, map[string]any{"A": ag, "Case": kase}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	return c.SendString(sb.String())
}

var agreementTemplate = template.Must(template.New("agreement").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>人民调解协议书 {{.A.Number}}</title>
<style>
@page { size: A4; margin: 25mm 20mm; }
body { font-family: "SimSun", "Songti SC", serif; font-size: 14pt; line-height: 1.8; max-width: 170mm; margin: 0 auto; padding: 0 4mm; }
h1 { text-align: center; font-size: 22pt; letter-spacing: .3em; margin-bottom: 0; }
.no { text-align: right; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #000; padding: 2mm; vertical-align: top; }
.sign { display: flex; flex-wrap: wrap; gap: 10mm; justify-content: space-between; margin-top: 20mm; }
.seal { width: 45mm; height: 45mm; border: 1px dashed #999; display: flex; align-items: center; justify-content: center; text-align: center; padding: 3mm; font-size: 11pt; line-height: 1.4; color: #999; }
@media print { .noprint { display: none; } }
</style></head><body>
<h1>人民调解协议书</h1>
<p class="no">{{.A.Number}}</p>
<h2>当事人</h2>
<ul class="parties">{{range .Case.Parties}}<li>{{.Name}}</li>{{end}}</ul>
<h2>纠纷主要事实、争议事项</h2>
<p>{{.A.Facts}}</p>
<h2>经调解，自愿达成如下协议</h2>
<p>{{.A.Terms}}</p>
{{if .A.Responsibility}}<h2>各方当事人的责任</h2><p>{{.A.Responsibility}}</p>{{end}}
{{if .A.Obligations}}<h2>履行方式与期限</h2>
<table class="obligations"><tr><th>序号</th><th>义务人</th><th>权利人</th><th>内容</th><th>金额（元）</th><th>履行期限</th></tr>
{{range $i, $o := .A.Obligations}}<tr><td>{{$o.Position}}</td><td>{{$o.Obligor}}</td><td>{{$o.Obligee}}</td><td>{{$o.Content}}</td><td>{{$o.Amount}}</td><td>{{$o.DueOn}}</td></tr>{{end}}
</table>{{end}}
<p>本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效（《中华人民共和国人民调解法》第二十九条）。本协议一式多份，当事人各执一份，人民调解委员会留存一份。</p>
<div class="sign">
<div>当事人（签名、按指印）：<br>{{range .Case.Parties}}{{.Name}}：________________<br>{{end}}</div>
<div>人民调解员（签名）：________________<br><br><div class="seal">人民调解委员会（印章）</div><br>{{.A.SignedOn}}</div>
</div>
</body></html>
`))
