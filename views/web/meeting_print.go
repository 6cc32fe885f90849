package web

import (
	"bytes"
	"html/template"
	"io"

	"yidi/cases"
)

// The 会商's printable documents (print/meeting.html): the minutes with
// their attendance and decisions, and one 交办单 a task, in the 卷宗's A4
// frame (print/page.html).

// MeetingPrint is what a meeting's documents print from.
type MeetingPrint struct {
	Meeting *cases.Meeting
	Centre  string              // the centre's name
	Desk    func(string) string // a desk's name by code
	Back    string              // the meeting page, for the toolbar
}

func (p *MeetingPrint) write(w io.Writer, title, name string, task *cases.Task) error {
	var b bytes.Buffer
	data := map[string]any{"M": p.Meeting, "T": task, "Centre": p.Centre, "Desk": p.Desk}
	if err := printTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return err
	}
	return printTemplates.ExecuteTemplate(w, "page", map[string]any{"Title": title, "Sheets": []template.HTML{template.HTML(b.String())},
		"Toolbar": p.Back, "Back": "返回会商"})
}

// WriteMinutes writes the 会商纪要.
func (p *MeetingPrint) WriteMinutes(w io.Writer) error {
	return p.write(w, "会商纪要", "meeting_minutes", nil)
}

// WriteTaskOrder writes the 交办单 of task.
func (p *MeetingPrint) WriteTaskOrder(w io.Writer, task *cases.Task) error {
	return p.write(w, "交办单", "task_order", task)
}
