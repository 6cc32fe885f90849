package views_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"yidi/cases"
)

// apiAs calls the running app's JSON API as user (a fresh token each
// time: the test moves the clock past a token's twelve hours).
func apiAs(t *testing.T, base, user, method, path string, body any, want int) map[string]any {
	t.Helper()
	send := func(method, path, token string, body any) (int, map[string]any) {
		buf, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(buf))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	s, tok := send("POST", "/api/v1/auth/token", "", map[string]string{"username": user, "password": "password-" + user})
	if s != 200 {
		t.Fatalf("token %s: %d %v", user, s, tok)
	}
	s, out := send(method, path, tok["token"].(string), body)
	if s != want {
		t.Fatalf("%s %s by %s: %d %v, want %d", method, path, user, s, out, want)
	}
	return out
}

var mediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)

// TestBrowserDossierPrintsAndArchives opens the 卷宗 of a mediated, closed
// case at 1366×768: the missing identity proof is filed through the page's
// form, 归档 is pressed, and the whole bundle and the 协议书 are printed with
// print emulation — each a PDF of A4 pages, each screenshot as printed.
func TestBrowserDossierPrintsAndArchives(t *testing.T) {
	base, svc := browserApp(t)
	at := func(day, clock string) {
		when, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, cases.ChinaZone)
		if err != nil {
			t.Fatal(err)
		}
		svc.SetClock(func() time.Time { return when })
	}
	at("2026-03-02", "09:00")
	intake := sampleIntake()
	intake["title"], intake["category"] = "邻里排水纠纷", "neighbour"
	intake["summary"] = "张三与李四系前后邻居，李四翻建房屋后排水沟改道，雨水流入张三院内致墙体受损。"
	intake["parties"] = []map[string]any{
		{"role": "applicant", "name": "张三", "id_number": "11010519491231002X", "phone": "13800000001"},
		{"role": "respondent", "name": "李四", "phone": "13800000002"},
	}
	n := apiAs(t, base, "xiaowang", "POST", "/api/v1/cases", intake, 201)["number"].(string)
	c := "/api/v1/cases/" + n
	apiAs(t, base, "xiaowang", "POST", c+"/route", map[string]any{"desk": "mediation"}, 200)
	apiAs(t, base, "limed", "POST", c+"/accept", nil, 200)
	ses := apiAs(t, base, "limed", "POST", c+"/sessions", map[string]any{"kind": "mediation", "starts_at": "2026-03-04T09:30:00+08:00",
		"minutes": 90, "video_url": "https://meet.example.cn/r/1", "presiding": "limed"}, 201)
	at("2026-03-04", "11:00")
	apiAs(t, base, "limed", "POST", fmt.Sprintf("%s/sessions/%v/record", c, ses["id"]), map[string]any{
		"attended":     []string{"limed", "张三", "李四"},
		"minutes_text": "调解员告知双方权利义务。张三：排水沟改道后雨水流入院内，墙体开裂。李四：同意恢复排水沟，赔偿数额请求分期。经调解，双方同意分两期赔偿。",
		"result":       "agreement"}, 200)
	ag := apiAs(t, base, "limed", "POST", c+"/agreements", map[string]any{"form": "written",
		"facts": "李四翻建房屋后排水沟改道，雨水流入张三院内致墙体受损。", "terms": "一、李四于2026年3月10日前恢复排水沟原状；二、李四分两期赔偿张三修缮费用5000.50元。",
		"signed_on": "2026-03-04", "obligations": []map[string]any{
			{"obligor": "李四", "obligee": "张三", "content": "第一期赔偿修缮费", "amount": 3000, "due_on": "2026-03-20"},
			{"obligor": "李四", "obligee": "张三", "content": "第二期赔偿修缮费", "amount": 2000.50, "due_on": "2026-04-20"}}}, 201)
	for i, o := range ag["obligations"].([]any) {
		o := o.(map[string]any)
		at(o["due_on"].(string), "15:00")
		apiAs(t, base, "limed", "POST", fmt.Sprintf("%s/obligations/%v/performance", c, o["id"]),
			map[string]any{"status": "performed", "note": fmt.Sprintf("张三确认收到第%d期", i+1)}, 201)
	}
	at("2026-04-25", "10:00")
	apiAs(t, base, "limed", "POST", c+"/close", map[string]any{"outcome": "调解成功，双方履行完毕", "closure_type": "resolved", "summary": "达成书面调解协议，两期赔偿均已履行。"}, 200)
	apiAs(t, base, "limed", "POST", c+"/followups", map[string]any{"method": "phone", "performance": "performed", "satisfaction": "satisfied", "note": "双方无新矛盾"}, 201)

	ch := newChrome(t, base, 3*time.Minute)
	ch.login("limed")
	ch.open("/cases/" + n + "/dossier")
	if req := ch.text("#requirements"); !strings.Contains(req, "缺 当事人身份证明") {
		t.Fatalf("the 卷宗 does not say the identity proof is missing: %q", req)
	}
	ch.shoot("dossier-incomplete")

	// 归档 is refused with what is missing; then the identity proof is filed.
	ch.run("archive refused", chromedp.Click("#archive", chromedp.ByID), chromedp.WaitVisible("#dossier-error", chromedp.ByID))
	if e := ch.text("#dossier-error"); !strings.Contains(e, "当事人身份证明") {
		t.Fatalf("the refusal says %q", e)
	}
	scan := filepath.Join(t.TempDir(), "张三身份证.png")
	if err := os.WriteFile(scan, tinyPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	ch.run("file the identity proof",
		chromedp.SetValue("#file-kind", "identity", chromedp.ByID),
		chromedp.SetUploadFiles("#file-files", []string{scan}, chromedp.ByID),
		chromedp.Submit("#file-files", chromedp.ByID),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	if idx := ch.text("#dossier-index"); !strings.Contains(idx, "身份证明（张三身份证.png）") {
		t.Fatalf("the index lacks the filed proof: %q", idx)
	}
	// The page before had a flash too (the filing): wait for the archived tag.
	ch.run("archive", chromedp.Click("#archive", chromedp.ByID), chromedp.WaitVisible("#archive-state .tag", chromedp.ByQuery))
	if s := ch.text("#archive-state"); !strings.Contains(s, "已归档") {
		t.Fatalf("after 归档 the page says %q", s)
	}
	ch.shoot("dossier-archived")

	// Printing: the bundle and the 协议书, as the printer sees them.
	for _, doc := range []struct{ name, path, want string }{
		{"dossier-bundle", "/cases/" + n + "/dossier/print", "卷内目录"},
		{"dossier-agreement", fmt.Sprintf("/cases/%s/dossier/docs/agreement-%v", n, ag["id"]), "人民调解协议书"},
	} {
		var pdf, shot []byte
		var body string
		ch.run("print "+doc.name,
			chromedp.EmulateViewport(1366, 768),
			chromedp.Navigate(base+doc.path),
			chromedp.WaitVisible(".sheet", chromedp.ByQuery),
			emulation.SetEmulatedMedia().WithMedia("print"),
			chromedp.Text("body", &body, chromedp.ByQuery),
			chromedp.FullScreenshot(&shot, 100),
			chromedp.ActionFunc(func(ctx context.Context) error {
				var err error
				pdf, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).Do(ctx)
				return err
			}),
			emulation.SetEmulatedMedia().WithMedia(""))
		if !strings.Contains(body, doc.want) || !strings.Contains(body, "张三") || strings.Contains(body, "返回卷宗") {
			t.Errorf("%s as printed: %q", doc.name, body)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("%s: no PDF", doc.name)
		}
		boxes := mediaBox.FindAllSubmatch(pdf, -1)
		if len(boxes) == 0 {
			t.Fatalf("%s: the PDF has no page size", doc.name)
		}
		for _, b := range boxes {
			w, _ := strconv.ParseFloat(string(b[1]), 64)
			h, _ := strconv.ParseFloat(string(b[2]), 64)
			if w < 594 || w > 596 || h < 841 || h > 843 { // A4: 595.28 × 841.89 pt
				t.Errorf("%s: a page of %.1f × %.1f pt, not A4", doc.name, w, h)
			}
		}
		if doc.name == "dossier-bundle" && len(boxes) < 8 {
			t.Errorf("the bundle printed on %d pages; cover, index and seven documents need more", len(boxes))
		}
		_ = os.WriteFile(filepath.Join(ch.artifacts, doc.name+"-print.png"), shot, 0o644)
		_ = os.WriteFile(filepath.Join(ch.artifacts, doc.name+".pdf"), pdf, 0o644)
	}
}

// tinyPNG is a real PNG the size of an ID card scan: a pale card with a
// dark band, so the printed bundle shows where the image sits.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 428, 270))
	for y := 0; y < 270; y++ {
		for x := 0; x < 428; x++ {
			c := color.RGBA{235, 240, 250, 255}
			if y > 30 && y < 60 || (x > 300 && x < 400 && y > 80 && y < 220) {
				c = color.RGBA{90, 110, 150, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
