package views_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
)

// scanPNG is a small file that sniffs as PNG; salt makes it unique.
func scanPNG(salt string) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n"), []byte("test image "+salt)...)
}

// file files one file of kind with the case as user, through the API.
func (ts *testServer) file(user, number, kind, name string, data []byte) (int, map[string]any) {
	ts.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("kind", kind)
	fw, _ := w.CreateFormFile("files", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	resp := ts.raw("POST", "/api/v1/cases/"+number+"/attachments", user, body.String(), "Content-Type", w.FormDataContentType())
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// heldSession schedules a video session of n for 2026-03-04 09:30 and
// records it at 11:00 with the parties who came; it answers the session's id.
func (ts *testServer) heldSession(n, result, text string, parties ...string) any {
	ts.t.Helper()
	base := "/api/v1/cases/" + n
	ses := ts.post("mediation", base+"/sessions", map[string]any{"kind": "mediation", "starts_at": "2026-03-04T09:30:00+08:00",
		"minutes": 60, "video_url": "https://meet.example.cn/r/1", "presiding": "mediation"}, 201)
	ts.at("2026-03-04", "11:00")
	ts.post("mediation", fmt.Sprintf("%s/sessions/%v/record", base, ses["id"]), map[string]any{
		"attended": append([]string{"mediation"}, parties...), "minutes_text": text, "result": result}, 200)
	return ses["id"]
}

// mediatedClosedCase is a 邻里 dispute mediated at one session to a
// written agreement and closed as resolved — without an identity proof
// or a 回访 yet.
func (ts *testServer) mediatedClosedCase() string {
	ts.t.Helper()
	n := ts.neighbourCase("2026-03-02")
	base := "/api/v1/cases/" + n
	ts.heldSession(n, "agreement", "双方陈述意见，李四同意恢复排水沟并赔偿。", "张三", "李四")
	ts.post("mediation", base+"/agreements", map[string]any{"form": "written", "facts": "李四翻建房屋后排水沟改道。",
		"terms": "李四恢复排水沟原状并赔偿张三修缮费用。", "signed_on": "2026-03-04",
		"obligations": []map[string]any{{"obligor": "李四", "obligee": "张三", "content": "赔偿修缮费", "amount": 3000, "due_on": "2026-03-20"}}}, 201)
	ts.act("mediation", n, "close", map[string]any{"outcome": "调解成功", "closure_type": "resolved", "summary": "达成书面调解协议"}, 200)
	return n
}

func TestDossierArchiveWaitsForTheRequiredDocuments(t *testing.T) {
	ts := newTestServer(t)
	open := ts.neighbourCase("2026-03-02")
	ts.refuseUnchanged("mediation", open, "archive", nil, 409, "not_closed", "")

	n := ts.mediatedClosedCase()
	// Incomplete: the refusal names what is missing, nothing is stored.
	ts.refuseUnchanged("mediation", n, "archive", nil, 409, "dossier_incomplete", "documents")
	_, out := ts.call("POST", "/api/v1/cases/"+n+"/archive", "mediation", nil)
	msg := out["error"].(map[string]any)["message"].(string)
	if !strings.Contains(msg, "当事人身份证明") || !strings.Contains(msg, "回访记录") || strings.Contains(msg, "调解笔录") {
		t.Fatalf("the refusal does not name exactly what is missing: %q", msg)
	}
	_, d := ts.call("GET", "/api/v1/cases/"+n+"/dossier", "mediation", nil)
	if fmt.Sprint(d["missing"]) != "[当事人身份证明 回访记录]" || d["allowed"].(map[string]any)["archive"] != true {
		t.Fatalf("dossier %v", d)
	}
	// Another desk may not see the case: neither its file nor its ZIP.
	if s, _ := ts.call("GET", "/api/v1/cases/"+n+"/dossier", "petition", nil); s != 404 {
		t.Fatalf("another desk read the dossier: %d", s)
	}
	if r := ts.raw("GET", "/api/v1/cases/"+n+"/dossier.zip", "petition", nil); r.StatusCode != 404 {
		t.Fatalf("another desk read the ZIP: %d", r.StatusCode)
	}

	// Filing: a bad kind is refused by name; then the identity proof.
	if s, out := ts.file("mediation", n, "selfie", "id.png", scanPNG("x")); s != 400 || errorField(out) != "kind" {
		t.Fatalf("bad kind: %d %v", s, out)
	}
	if s, out := ts.file("mediation", n, "identity", "身份证.png", scanPNG("张三身份证")); s != 201 {
		t.Fatalf("file identity: %d %v", s, out)
	}
	ts.refuseUnchanged("mediation", n, "archive", nil, 409, "dossier_incomplete", "documents")
	ts.post("mediation", "/api/v1/cases/"+n+"/followups", map[string]any{"method": "phone", "performance": "performed", "satisfaction": "satisfied"}, 201)

	// Complete: a co-desk or intake may not archive; the holding desk may.
	ts.refuseUnchanged("intake", n, "archive", nil, 403, "forbidden", "")
	ar := ts.post("mediation", "/api/v1/cases/"+n+"/archive", map[string]any{}, 201)
	if !strings.Contains(ar["file_number"].(string), "人调字第") || ar["retention"] != "定期10年" {
		t.Fatalf("archive %v", ar)
	}
	kinds := ts.timelineKinds(n)
	if kinds[len(kinds)-1] != "case_archived" {
		t.Fatalf("timeline ends %v", kinds)
	}

	// Archived: notes only. Every other change is refused with case_archived,
	// and the case page offers only the note (it offered 重新办理 before).
	b := ts.signedIn(t, "mediation")
	if _, page, _ := b.do("GET", "/cases/"+n, nil); strings.Contains(page, "/act/reopen") || !strings.Contains(page, "/act/notes") {
		t.Errorf("the archived case's page should offer notes only")
	}
	ts.refuseUnchanged("mediation", n, "archive", nil, 409, "case_archived", "")
	ts.refuseUnchanged("mediation", n, "transfer", map[string]any{"desk": "petition", "reason": "移交"}, 409, "case_archived", "")
	ts.refuseUnchanged("mediation", n, "reopen", map[string]any{"reason": "再调"}, 409, "case_archived", "")
	ts.refuseUnchanged("leader", n, "reopen", map[string]any{"reason": "再调"}, 409, "case_archived", "")
	ts.refuseUnchanged("mediation", n, "followups", map[string]any{"method": "phone", "performance": "performed", "satisfaction": "satisfied"}, 409, "case_archived", "")
	if s, out := ts.file("mediation", n, "other", "x.png", scanPNG("late")); s != 409 || errorCode(out) != "case_archived" {
		t.Fatalf("filing after 归档: %d %v", s, out)
	}
	ts.act("mediation", n, "notes", map[string]any{"body": "归档后当事人来电询问，已答复。"}, 200)
	ts.act("leader", n, "notes", map[string]any{"body": "已阅。"}, 200)
}

func TestDossierZIPHoldsTheDocumentsAndFiles(t *testing.T) {
	ts := newTestServer(t)
	n := ts.mediatedClosedCase()
	scan := scanPNG("签字协议书")
	if s, out := ts.file("mediation", n, "signed_agreement", "../../etc/协议书.png", scan); s != 201 {
		t.Fatalf("file: %d %v", s, out)
	}
	resp := ts.raw("GET", "/api/v1/cases/"+n+"/dossier.zip", "leader", nil)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("zip: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Errorf("unsafe name in the ZIP: %q", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var m struct {
		Case  string `json:"case"`
		Files []struct {
			Name, Title, Required, SHA256 string
			Size                          int64
		} `json:"files"`
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil || m.Case != n {
		t.Fatalf("manifest: %v %s", err, files["manifest.json"])
	}
	titles := []string{}
	for _, f := range m.Files {
		b, ok := files[f.Name]
		sum := sha256.Sum256(b)
		if !ok || hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
			t.Errorf("%s: in the ZIP %v, hash or size differs from the manifest", f.Name, ok)
		}
		titles = append(titles, f.Title)
		if strings.HasPrefix(f.Name, "attachments/") {
			want := sha256.Sum256(scan)
			if f.SHA256 != hex.EncodeToString(want[:]) || !bytes.Equal(b, scan) {
				t.Errorf("the filed scan changed on its way into the ZIP")
			}
		}
	}
	joined := strings.Join(titles, " ")
	for _, want := range []string{"受理登记表", "人民调解权利义务告知书", "调解笔录", "人民调解协议书", "签字的调解协议书", "结案报告"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the ZIP lacks %s: %s", want, joined)
		}
	}
	index := string(files["index.html"])
	for _, want := range []string{"人民调解卷宗", "卷内目录", "张三", "李四", "人调字第", "size: A4", "赔偿修缮费", "保管期限"} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, f := range m.Files { // the index links every file
		if !strings.Contains(index, `href="`+f.Name+`"`) {
			t.Errorf("index.html does not link %s", f.Name)
		}
	}
	for name, b := range files {
		if strings.HasPrefix(name, "documents/") && !strings.Contains(string(b), "@page") {
			t.Errorf("%s is not a printable page", name)
		}
	}
}

func TestAnOralAgreementPrintsAsItsRegister(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	ag := ts.post("mediation", "/api/v1/cases/"+n+"/agreements", map[string]any{"form": "oral", "reached_on": "2026-03-02",
		"facts": "排水沟改道。", "terms": "李四当场同意恢复排水沟。"}, 201)
	resp := ts.raw("GET", ag["document_url"].(string), "leader", nil)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != 200 || !strings.Contains(page, "口头调解协议登记表") || strings.Contains(page, "人民调解协议书") ||
		!strings.Contains(page, "李四当场同意恢复排水沟") || !strings.Contains(page, "size: A4") {
		t.Fatalf("oral agreement document: %d %s", resp.StatusCode, page)
	}
	// Open, without an agreement's closing: the 卷宗 still wants one.
	_, d := ts.call("GET", "/api/v1/cases/"+n+"/dossier", "mediation", nil)
	if fmt.Sprint(d["missing"]) != "[当事人身份证明 调解笔录 回访记录 结案报告]" {
		t.Fatalf("missing %v", d["missing"])
	}
}

// A case closed without an agreement has none to file: 归档 does not wait
// for one. The staff pages show the 卷宗, print each document, refuse an
// unknown one with a Chinese 404 page, and keep another desk out.
func TestDossierPagesAndAFileWithoutAgreement(t *testing.T) {
	ts := newTestServer(t)
	n := ts.neighbourCase("2026-03-02")
	base := "/api/v1/cases/" + n
	sid := ts.heldSession(n, "no_agreement", "李四未到场，张三坚持诉讼。", "张三")
	ts.act("mediation", n, "close", map[string]any{"outcome": "调解不成，引导诉讼", "closure_type": "legal_procedure"}, 200)
	if s, out := ts.file("intake", n, "identity", "张三.pdf", []byte("%PDF-1.4 张三身份证")); s != 201 {
		t.Fatalf("file: %d %v", s, out)
	}
	ts.post("mediation", base+"/followups", map[string]any{"method": "visit", "performance": "unknown", "satisfaction": "basically_satisfied"}, 201)
	_, d := ts.call("GET", base+"/dossier", "leader", nil)
	reqs := fmt.Sprint(d["requirements"])
	if len(d["missing"].([]any)) != 0 || !strings.Contains(reqs, "not_applicable:办结时未达成调解协议（导入法定程序）") {
		t.Fatalf("dossier without agreement: %v", d)
	}

	b := ts.signedIn(t, "mediation")
	status, page, _ := b.do("GET", "/cases/"+n+"/dossier", nil)
	if status != 200 || !strings.Contains(page, "卷内目录") || !strings.Contains(page, `id="archive"`) || !strings.Contains(page, "不适用") {
		t.Fatalf("dossier page: %d %s", status, page)
	}
	for _, code := range []string{"cover", "intake", "notice", fmt.Sprintf("record-%v", sid), "followups", "closing"} {
		status, doc, h := b.do("GET", "/cases/"+n+"/dossier/docs/"+code, nil)
		if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(doc, "size: A4") || !strings.Contains(doc, "张三") {
			t.Errorf("document %s: %d %.200s", code, status, doc)
		}
	}
	if status, doc, _ := b.do("GET", "/cases/"+n+"/dossier/docs/agreement-99", nil); status != 404 || !strings.Contains(doc, "没有这个页面") {
		t.Errorf("unknown document: %d %.300s", status, doc)
	}
	status, _ = b.post("/cases/"+n+"/dossier/archive", url.Values{})
	if status != 303 {
		t.Fatalf("archive through the page: %d", status)
	}
	if _, page, _ := b.do("GET", "/cases/"+n+"/dossier", nil); !strings.Contains(page, "已归档") || strings.Contains(page, `id="archive"`) || strings.Contains(page, "上传并归入卷宗") {
		t.Errorf("after 归档 the page still offers changes")
	}
	other := ts.signedIn(t, "petition")
	if status, _, _ := other.do("GET", "/cases/"+n+"/dossier/print", nil); status != 404 {
		t.Errorf("another desk printed the bundle: %d", status)
	}
}
