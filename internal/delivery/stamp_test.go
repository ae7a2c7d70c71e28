package delivery

import "testing"

func TestStamp(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"AAAA","callback":"http://x/cb/AAAA","at":"TTTTTT","other":"BBBB"}`)
	s, err := NewStamp(body, "AAAA", "TTTTTT", "ZZZZ")
	if err != nil {
		t.Fatal(err)
	}
	if s.Count(0) != 2 || s.Count(1) != 1 || s.Count(2) != 0 {
		t.Errorf("counts %d %d %d", s.Count(0), s.Count(1), s.Count(2))
	}
	got, err := s.Fill("1234", "2026-1", "zzzz")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"1234","callback":"http://x/cb/1234","at":"2026-1","other":"BBBB"}`; string(got) != want {
		t.Errorf("Fill = %s\nwant   %s", got, want)
	}
	if string(body) != `{"id":"AAAA","callback":"http://x/cb/AAAA","at":"TTTTTT","other":"BBBB"}` {
		t.Error("Fill changed the template")
	}
	if _, err := s.Fill("12345", "2026-1", "zzzz"); err == nil {
		t.Error("a value of the wrong length was accepted")
	}
	if _, err := s.Fill("1234"); err == nil {
		t.Error("too few values were accepted")
	}
	if _, err := NewStamp([]byte("abcabc"), "abc", "ca"); err == nil {
		t.Error("overlapping placeholders were accepted")
	}
}

func TestStampAppendFillReusesBuffer(t *testing.T) {
	t.Parallel()
	s, err := NewStamp([]byte(`{"id":"AAAA","n":"AAAA"}`), "AAAA")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 64)
	for _, v := range []string{"1111", "2222"} {
		got, err := s.AppendFill(buf[:0], v)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"id":"` + v + `","n":"` + v + `"}`; string(got) != want {
			t.Errorf("AppendFill = %s, want %s", got, want)
		}
		if &got[0] != &buf[:1][0] {
			t.Error("AppendFill did not fill the buffer it was given")
		}
	}
	got, _ := s.AppendFill([]byte("prefix:"), "3333")
	if want := `prefix:{"id":"3333","n":"3333"}`; string(got) != want {
		t.Errorf("AppendFill = %s, want %s", got, want)
	}
	if _, err := s.AppendFill(buf[:0], "toolong"); err == nil {
		t.Error("a value of the wrong length was accepted")
	}
}
