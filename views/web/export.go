package web

// Streamed exports: any table as CSV (UTF-8 with a BOM, so Excel reads the
// Chinese) or XLSX (excelize's StreamWriter), written while the rows are
// read, so 100k cases never sit in memory.

import (
	"bufio"
	"encoding/csv"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"yidi/cases"
)

// Column is one column of an export; Numeric cells become numbers in XLSX.
type Column struct {
	Name    string
	Numeric bool
}

// Rows produces an export's rows one at a time; yield's error stops it.
type Rows func(yield func(row []string) error) error

// WriteCSV writes a BOM, the header and every row.
func WriteCSV(w io.Writer, cols []Column, rows Rows) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := rows(func(row []string) error { return cw.Write(csvSafeRow(cols, row)) }); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes one sheet: the header in bold, then every row.
func WriteXLSX(w io.Writer, sheet string, cols []Column, rows Rows) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: bold, Value: c.Name}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	n := 1
	cells := make([]any, len(cols))
	err = rows(func(row []string) error {
		n++
		for i := range cells {
			cells[i] = nil
			if i >= len(row) {
				continue
			}
			cells[i] = row[i]
			if cols[i].Numeric && row[i] != "" {
				if v, err := strconv.ParseFloat(row[i], 64); err == nil {
					cells[i] = v
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// SendExport answers the table as a file download, streamed after the
// handler returns. Errors half-way can no longer change the status: they
// are logged and the file ends short.
func SendExport(c *fiber.Ctx, format, name string, cols []Column, rows Rows) error {
	var write func(w io.Writer) error
	switch format {
	case "csv":
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		write = func(w io.Writer) error { return WriteCSV(w, cols, rows) }
	case "xlsx":
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		write = func(w io.Writer) error { return WriteXLSX(w, "数据", cols, rows) }
	default:
		return &cases.Error{Kind: cases.KindInvalid, Code: "invalid_format", Message: "导出格式只能是 csv 或 xlsx", Field: "format"}
	}
	file := name + "." + format
	setDownloadName(c, "export."+format, file)
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		if err := write(bw); err != nil {
			slog.Error("export stopped", "file", file, "err", err)
		}
		_ = bw.Flush()
	})
	return nil
}

// csvSafeRow neutralises cells a spreadsheet would run as a formula
// (CSV injection: a party named "=HYPERLINK(...)" or "@SUM(...)"): a text
// cell that begins with =, +, -, @, a tab or a carriage return gets a
// leading apostrophe, which Excel and WPS show as plain text. A numeric
// column's numbers (-3, +5) are left alone.
func csvSafeRow(cols []Column, row []string) []string {
	var out []string
	for i, v := range row {
		if v == "" || !strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			continue
		}
		if i < len(cols) && cols[i].Numeric {
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				continue
			}
		}
		if out == nil {
			out = append([]string(nil), row...)
		}
		out[i] = "'" + v
	}
	if out == nil {
		return row
	}
	return out
}
