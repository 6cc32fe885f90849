package web

// The member sheet of a group case as it arrives: a CSV body, an XLSX
// body, or either uploaded in the multipart field "file" (the page's form
// and the API alike); and the template to fill in.

import (
	"bytes"
	"io"
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"yidi/cases"
)

const mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// ReadMemberSheet reads the sheet of a members import. A file is XLSX
// when it is a zip (what an .xlsx is), CSV otherwise.
func ReadMemberSheet(c *fiber.Ctx) (cases.MemberSheet, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	var data []byte
	switch {
	case isMultipart(c):
		fh, err := c.FormFile("file")
		if err != nil || fh.Size == 0 {
			return nil, &cases.Error{Kind: cases.KindInvalid, Code: "required", Field: "file", Message: "请选择要导入的成员表（.xlsx 或 .csv）"}
		}
		if data, err = readPart(fh); err != nil {
			return nil, errInvalidForm
		}
	case strings.HasPrefix(ct, "text/csv"), strings.HasPrefix(ct, mimeXLSX):
		data = c.Body()
	default:
		return nil, &cases.Error{Kind: cases.KindInvalid, Code: "invalid_format", Field: "file",
			Message: "成员表须以 text/csv 正文或 multipart 表单字段 file（.xlsx/.csv）上传"}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return cases.ReadMemberXLSX(data)
	}
	return cases.ReadMemberCSV(data)
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// SendMemberTemplate answers the member sheet's template as a CSV (UTF-8
// with a BOM, which Excel opens as Chinese) or XLSX download.
func SendMemberTemplate(c *fiber.Ctx, format string) error {
	rows := cases.MemberTemplate()
	if format == "xlsx" {
		return sendMemberTemplateXLSX(c, rows)
	}
	cols := make([]Column, len(rows[0]))
	for i, name := range rows[0] {
		cols[i] = Column{Name: name}
	}
	// Every cell text: an ID number as a number loses its last digits.
	return SendExport(c, format, "群体成员导入模板", cols, func(yield func([]string) error) error {
		for _, r := range rows[1:] {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// sendMemberTemplateXLSX writes the template with the ID number and phone
// columns formatted as text: typed into a General column, an 18-digit ID
// number becomes 1.10101E+17 and loses its last digits.
func sendMemberTemplateXLSX(c *fiber.Ctx, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "成员"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	if err := f.SetColStyle(sheet, "B:C", text); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 22); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	setDownloadName(c, "members-template.xlsx", "群体成员导入模板.xlsx")
	return f.Write(c.Response().BodyWriter())
}
