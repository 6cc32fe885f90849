package cases

// The member sheet: 姓名,身份证号,电话,诉求金额,是否代表 (and, optionally,
// 诉求期间) as the workers' foreman fills it in Excel — saved as CSV, which
// Excel in China writes in GBK unless told otherwise, or kept as XLSX.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// MemberColumns is the sheet's header; MemberPeriodColumn may follow it.
var MemberColumns = []string{"姓名", "身份证号", "电话", "诉求金额", "是否代表"}

// MemberPeriodColumn is the optional sixth column: the period the claim
// covers ("2025-03至2025-11").
const MemberPeriodColumn = "诉求期间"

// MaxMembers bounds one sheet: a village's households, not a city's.
const MaxMembers = 1000

// MemberSheet is a sheet's rows as text, the header first: row i of the
// slice is row i+1 as the clerk sees it in Excel.
type MemberSheet [][]string

// ReadMemberCSV reads a CSV sheet in UTF-8 (with or without the BOM Excel
// writes for "CSV UTF-8") or in GBK/GB18030 (Excel's plain "CSV").
func ReadMemberCSV(data []byte) (MemberSheet, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		decoded, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
		if err != nil {
			return nil, invalid("file", "invalid_encoding", "无法识别表格的文字编码：请另存为“CSV UTF-8”或 Excel 工作簿（.xlsx）")
		}
		data = decoded
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows MemberSheet
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, invalid("file", "invalid_csv", fmt.Sprintf("表格第%d行格式有误，无法读取：请用 Excel 另存为 CSV 后重试", len(rows)+1))
		}
		rows = append(rows, rec)
		if len(rows) > MaxMembers+1 {
			return nil, invalid("file", "too_many", fmt.Sprintf("一次最多导入%d名成员", MaxMembers))
		}
	}
	return rows, nil
}

// ReadMemberXLSX reads the first worksheet of an XLSX workbook. Cells are
// read raw: an amount formatted as ¥12,000.00 reads 12000.
func ReadMemberXLSX(data []byte) (MemberSheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("file", "invalid_xlsx", "无法打开该文件：请上传 Excel 工作簿（.xlsx）或 CSV 文件")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalid("file", "invalid_xlsx", "工作簿中没有工作表")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, invalid("file", "invalid_xlsx", "无法读取工作表："+sheets[0])
	}
	if len(rows) > MaxMembers+1 {
		return nil, invalid("file", "too_many", fmt.Sprintf("一次最多导入%d名成员", MaxMembers))
	}
	return rows, nil
}

// MemberTemplate is the template's rows: the header and one example.
func MemberTemplate() [][]string {
	return [][]string{
		append(append([]string{}, MemberColumns...), MemberPeriodColumn),
		{"张三", CompleteIDNumber("11010119900307451"), "13800000000", "12000.00", "是", "2025-03至2025-11"},
	}
}

// memberRow is one row of the sheet, checked.
type memberRow struct {
	row    int
	party  PartyInput
	claim  *int64
	period string
	rep    bool
}

// RowError is what is wrong with one row of the sheet: Row as Excel
// numbers it (the header is row 1), Field the column's key, Column its
// header, Message in Chinese.
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

var memberFieldColumns = map[string]string{
	"name": "姓名", "id_number": "身份证号", "phone": "电话", "claim_amount": "诉求金额",
	"representative": "是否代表", "claim_period": MemberPeriodColumn,
}

func rowError(row int, field, msg string) RowError {
	return RowError{Row: row, Field: field, Column: memberFieldColumns[field], Message: msg}
}

// checkHeader: the five columns in order, then perhaps 诉求期间; a sheet
// laid out otherwise would put amounts under names.
func (sh MemberSheet) checkHeader() (period bool, err error) {
	want := strings.Join(MemberColumns, ",")
	if len(sh) == 0 {
		return false, invalid("file", "empty_sheet", "表格是空的：第1行应为表头 "+want)
	}
	head := make([]string, 0, len(sh[0]))
	for _, c := range sh[0] {
		head = append(head, strings.TrimSpace(c))
	}
	for len(head) > 0 && head[len(head)-1] == "" {
		head = head[:len(head)-1]
	}
	got := strings.Join(head, ",")
	switch got {
	case want:
		return false, nil
	case want + "," + MemberPeriodColumn:
		return true, nil
	}
	return false, invalid("header", "invalid_header", fmt.Sprintf("表头应为“%s”（可另加“%s”列），而表格第1行是“%s”",
		want, MemberPeriodColumn, got))
}

// rows checks every data row and answers those to import and what is
// wrong with the others. Blank rows are skipped; an ID number twice is
// an error on the later row, since the clerk has to decide which line
// is right.
func (sh MemberSheet) rows(period bool) ([]memberRow, []RowError) {
	var out []memberRow
	var errs []RowError
	seen := map[string]int{}
	for i := 1; i < len(sh); i++ {
		n := i + 1
		cell := func(k int) string {
			if k < len(sh[i]) {
				return strings.TrimSpace(sh[i][k])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(sh[i], "")) == "" {
			continue
		}
		m := memberRow{row: n, party: PartyInput{Role: PartyApplicant, Kind: PersonIndividual, IDType: IDResident,
			Name: cell(0), IDNumber: cell(1), Phone: cell(2)}}
		bad := false
		fail := func(field, msg string) {
			errs = append(errs, rowError(n, field, msg))
			bad = true
		}
		switch id := cell(1); {
		case id == "":
			fail("id_number", "请填写身份证号（按身份证号识别成员，避免重复）")
		case strings.ContainsAny(id, "Ee") && strings.Contains(id, "+"):
			fail("id_number", "身份证号被 Excel 存成了数字（科学计数法），末几位已丢失：请把该列设为“文本”后重新填写")
		}
		if !bad {
			if e := ErrorOf(m.party.validate("row")); e != nil {
				fail(strings.TrimPrefix(e.Field, "row."), e.Message)
			}
		}
		if s := cell(3); s != "" {
			fen, err := MemberAmount(s)
			if err != nil {
				fail("claim_amount", err.Error())
			} else {
				m.claim = &fen
			}
		}
		switch strings.ToUpper(cell(4)) {
		case "是", "Y", "1":
			m.rep = true
		case "否", "N", "0", "":
		default:
			fail("representative", fmt.Sprintf("“是否代表”只能填 是/否（或 Y/N、1/0），不能是“%s”", cell(4)))
		}
		if period {
			m.period = cell(5)
			if err := CheckText("claim_period", m.period, MaxName); err != nil {
				fail("claim_period", ErrorOf(err).Message)
			}
		}
		if !bad && m.party.IDNumber != "" {
			if first, dup := seen[m.party.IDNumber]; dup {
				fail("id_number", fmt.Sprintf("与第%d行的身份证号相同：同一人只能登记一次，请核对后删去重复的一行", first))
			} else {
				seen[m.party.IDNumber] = n
			}
		}
		if !bad {
			out = append(out, m)
		}
	}
	return out, errs
}
