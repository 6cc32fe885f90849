package views_test

// Issue 15: a download is named by the server, with the extension of the
// type the content was told to be; the citizen's file name is only display
// text, without control or bidi override characters.

import (
	"io"
	"mime"
	"strings"
	"testing"
)

func TestDownloadsGetAServerNameWithTheDetectedExtension(t *testing.T) {
	ts := newTestServer(t)
	n, code := ts.mediationCase()
	// A PDF that calls itself a page, and a PNG whose name shows as
	// "发票exe.png" on screen while it ends in ".exe" (U+202E turns the
	// rest of the line right to left).
	atts := ts.sendFiles(n, code, "补充材料", upload{"poly.html", pdfBytes}, upload{"发票\u202Egnp.exe", pngBytes})
	want := []struct{ ext, display string }{{".pdf", "poly.html"}, {".png", "发票gnp.exe"}}
	for i, a := range atts {
		a := a.(map[string]any)
		id := itoa(int(a["id"].(float64)))
		if a["name"] != want[i].display {
			t.Errorf("file %d: name %q in the receipt, want the display text %q", i, a["name"], want[i].display)
		}
		for _, path := range []string{"/api/v1/cases/" + n + "/attachments/" + id} {
			resp := ts.raw("GET", path, "mediation", nil)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			cd := resp.Header.Get("Content-Disposition")
			kind, params, err := mime.ParseMediaType(cd)
			name := params["filename"]
			if resp.StatusCode != 200 || err != nil || kind != "attachment" || name != "附件-"+n+"-"+id+want[i].ext ||
				strings.Contains(cd, "html") || strings.Contains(cd, "exe") {
				t.Errorf("GET %s: %d Content-Disposition %q (filename %q), want attachment 附件-%s-%s%s",
					path, resp.StatusCode, cd, name, n, id, want[i].ext)
			}
		}
	}
	m := ts.signedIn(t, "mediation")
	_, body, _ := m.do("GET", "/cases/"+n, nil)
	if strings.Contains(body, "\u202E") || !strings.Contains(body, "发票gnp.exe") {
		t.Errorf("the case page shows the file name with its override character or not at all")
	}
	link := attachLink.FindStringSubmatch(body)
	if link == nil {
		t.Fatal("no download link on the case page")
	}
	_, _, h := m.do("GET", link[1], nil)
	if _, params, _ := mime.ParseMediaType(h.Get("Content-Disposition")); !strings.HasPrefix(params["filename"], "附件-"+n+"-") ||
		!strings.HasSuffix(params["filename"], ".pdf") {
		t.Errorf("download from the case page: Content-Disposition %q", h.Get("Content-Disposition"))
	}
}
