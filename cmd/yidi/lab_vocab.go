package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"yidi/cmd/yidi/lab"
)

// labVocab regenerates search/thesaurus.txt (yidi lab vocab) from an
// unpacked segment-dict npm package; see cmd/yidi/lab/vocab.go.
var labVocab = flagCommand("lab vocab", func(fs cmdFlags) work {
	dict := fs.String("segment-dict", "/tmp/segment-dict/package", "unpacked npm package segment-dict (npm pack segment-dict)")
	cail := fs.String("cail", filepath.Join("..", "shared", "data"), "folder of cail2019-rc-dev.json and cail2019-scm-dev.jsonl")
	tuning := fs.String("tuning", filepath.Join("cmd", "yidi", "lab", "testdata", "tuning-intake"), "tuning intake set")
	vocab := fs.String("vocab", filepath.Join("search", "vocab.txt"), "domain vocabulary")
	dest := fs.String("out", filepath.Join("search", "thesaurus.txt"), "file to write")
	return func(_ context.Context, out io.Writer) error {
		src := filepath.Join(*dict, "dict", "segment", "pangu", "skip", "pangu.synonym.txt")
		pairs, err := parseFile(src, lab.ReadPanguSynonyms)
		if err != nil {
			return err
		}
		corpus, err := lab.VocabCorpus(filepath.Join(*cail, "cail2019-rc-dev.json"), filepath.Join(*cail, "cail2019-scm-dev.jsonl"), *tuning)
		if err != nil {
			return err
		}
		domain, err := lab.DomainWords(*vocab)
		if err != nil {
			return err
		}
		kept := lab.FilterThesaurus(pairs, corpus, domain)
		w, err := os.Create(*dest)
		if err != nil {
			return err
		}
		if err := lab.WriteThesaurus(w, kept, "segment-dict dict/segment/pangu/skip/pangu.synonym.txt"); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		fmt.Fprintf(out, "%d of %d pairs kept -> %s\n", len(kept), len(pairs), *dest)
		return nil
	}
})
