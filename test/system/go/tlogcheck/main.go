// tlogcheck checks a static c2sp.org/tlog-tiles directory and c2sp.org/tlog-proof files written by
// `poc log tiles` / `poc log prove --c2sp` with Go's golang.org/x/mod/sumdb/tlog and sumdb/note, an
// implementation we did not write. Built offline from Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=<dir>:/usr/share/gocode go run . tiles <dir>
//	GO111MODULE=off GOPATH=<dir>:/usr/share/gocode go run . proof <file> [<file>...]
//
// tiles: parses the checkpoint note (note.Open), checks every member signature line's key ID
// (signed-note type 0xff + "proof-of-cloud/eip712-checkpoint@v1"), reads hash tiles through
// tlog.TileHashReader (which authenticates every tile against the checkpoint's root), recomputes the
// root with tlog.TreeHash, checks each entry bundle's record hashes against the level-0 hashes, and
// proves and checks every record (tlog.ProveRecord / CheckRecord) and consistency from a few sizes
// (tlog.ProveTree / CheckTree).
// proof: parses each tlog-proof and checks its inclusion proof with tlog.CheckRecord, the record
// being the proof's extra data.
// Prints one "ok ..." line per input; exits 1 with the first failure.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const eip712NoteType = "proof-of-cloud/eip712-checkpoint@v1"

type checkpoint struct {
	origin string
	tree   tlog.Tree
	sigs   []note.Signature
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

// parseCheckpoint opens the signed note with no known keys: note.Open then reports every signature
// as unverified (and refuses a malformed note), and the body is parsed as tlog-checkpoint.
func parseCheckpoint(text []byte) checkpoint {
	if !bytes.Contains(text, []byte("\n\n")) {
		// An unsigned checkpoint: the bare tlog-checkpoint body.
		return parseBody(string(text), nil)
	}
	n, err := note.Open(text, note.VerifierList())
	var unverified *note.UnverifiedNoteError
	if err != nil && !errors.As(err, &unverified) {
		fail("checkpoint note does not parse: %v", err)
	}
	if unverified != nil {
		n = unverified.Note
	}
	return parseBody(n.Text, n.UnverifiedSigs)
}

func parseBody(text string, sigs []note.Signature) checkpoint {
	if !strings.HasSuffix(text, "\n") {
		fail("checkpoint body does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		fail("checkpoint body has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		fail("checkpoint size %q", lines[1])
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		fail("checkpoint root %q", lines[2])
	}
	var hash tlog.Hash
	copy(hash[:], h)
	return checkpoint{origin: lines[0], tree: tlog.Tree{N: size, Hash: hash}, sigs: sigs}
}

// checkKeyIDs recomputes each member line's key ID: SHA-256(name || 0x0A || 0xff || type || address)[:4].
func checkKeyIDs(c checkpoint) int {
	for _, s := range c.sigs {
		if !strings.HasPrefix(s.Name, "0x") || len(s.Name) != 42 {
			fail("signature name %q is not an address", s.Name)
		}
		addr, err := hex.DecodeString(s.Name[2:])
		if err != nil {
			fail("signature name %q: %v", s.Name, err)
		}
		buf := append([]byte(s.Name), 0x0a, 0xff)
		buf = append(buf, []byte(eip712NoteType)...)
		buf = append(buf, addr...)
		sum := sha256.Sum256(buf)
		if binary.BigEndian.Uint32(sum[:4]) != s.Hash {
			fail("signature of %s: key ID %08x, expected %08x", s.Name, s.Hash, binary.BigEndian.Uint32(sum[:4]))
		}
		raw, _ := base64.StdEncoding.DecodeString(s.Base64)
		if len(raw) != 4+65 {
			fail("signature of %s: %d bytes after the key ID, expected a 65-byte secp256k1 signature", s.Name, len(raw)-4)
		}
	}
	return len(c.sigs)
}

// c2spPath maps Go's tile path tile/8/L/N[.p/W] to tlog-tiles' tile/L/N[.p/W].
func c2spPath(t tlog.Tile) string {
	return strings.Replace(t.Path(), "tile/8/", "tile/", 1)
}

type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return 8 }
func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := os.ReadFile(filepath.Join(d.dir, c2spPath(t)))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
func (d dirTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func readBundle(dir string, n int64, width int) [][]byte {
	t := tlog.Tile{H: 8, L: 0, N: n, W: width}
	p := strings.Replace(c2spPath(t), "tile/0/", "tile/entries/", 1)
	b, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		fail("entry bundle %s: %v", p, err)
	}
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			fail("entry bundle %s: truncated length", p)
		}
		l := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+l {
			fail("entry bundle %s: truncated entry", p)
		}
		out = append(out, b[2:2+l])
		b = b[2+l:]
	}
	if len(out) != width {
		fail("entry bundle %s has %d entries, expected %d", p, len(out), width)
	}
	return out
}

func checkTiles(dir string) {
	text, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		fail("%v", err)
	}
	c := parseCheckpoint(text)
	sigs := checkKeyIDs(c)
	hr := tlog.TileHashReader(c.tree, dirTiles{dir})
	root, err := tlog.TreeHash(c.tree.N, hr)
	if err != nil {
		fail("tiles: %v", err)
	}
	if root != c.tree.Hash {
		fail("tiles give root %v, the checkpoint says %v", root, c.tree.Hash)
	}
	N := c.tree.N
	for start := int64(0); start < N; start += 256 {
		width := int(N - start)
		if width > 256 {
			width = 256
		}
		entries := readBundle(dir, start/256, width)
		idx := make([]int64, width)
		for k := range idx {
			idx[k] = tlog.StoredHashIndex(0, start+int64(k))
		}
		hashes, err := hr.ReadHashes(idx)
		if err != nil {
			fail("level-0 hashes from %d: %v", start, err)
		}
		for k, e := range entries {
			i := start + int64(k)
			rh := tlog.RecordHash(e)
			if rh != hashes[k] {
				fail("entry %d: record hash %v, tile says %v", i, rh, hashes[k])
			}
			// Every record of a small log, a spread of them in a large one.
			if N <= 4096 || i%997 == 0 || i == N-1 {
				p, err := tlog.ProveRecord(N, i, hr)
				if err != nil {
					fail("prove record %d: %v", i, err)
				}
				if err := tlog.CheckRecord(p, N, c.tree.Hash, i, rh); err != nil {
					fail("check record %d: %v", i, err)
				}
			}
		}
	}
	for _, n := range []int64{1, N / 3, N / 2, N - 1} {
		if n <= 0 || n >= N {
			continue
		}
		old, err := tlog.TreeHash(n, hr)
		if err != nil {
			fail("tree hash %d: %v", n, err)
		}
		p, err := tlog.ProveTree(N, n, hr)
		if err != nil {
			fail("prove tree %d -> %d: %v", n, N, err)
		}
		if err := tlog.CheckTree(p, N, c.tree.Hash, n, old); err != nil {
			fail("check tree %d -> %d: %v", n, N, err)
		}
	}
	fmt.Printf("ok tiles %s origin=%s size=%d root=%x signatures=%d\n", dir, c.origin, N, c.tree.Hash[:], sigs)
}

func checkProof(file string) {
	text, err := os.ReadFile(file)
	if err != nil {
		fail("%v", err)
	}
	split := bytes.Index(text, []byte("\n\n"))
	if split < 0 {
		fail("%s: no empty line before the checkpoint", file)
	}
	lines := strings.Split(string(text[:split]), "\n")
	if lines[0] != "c2sp.org/tlog-proof@v1" {
		fail("%s: header %q", file, lines[0])
	}
	i := 1
	var extra []byte
	if strings.HasPrefix(lines[i], "extra ") {
		extra, err = base64.StdEncoding.DecodeString(lines[i][6:])
		if err != nil {
			fail("%s: extra: %v", file, err)
		}
		i++
	}
	if !strings.HasPrefix(lines[i], "index ") {
		fail("%s: no index line", file)
	}
	index, err := strconv.ParseInt(lines[i][6:], 10, 64)
	if err != nil {
		fail("%s: index: %v", file, err)
	}
	var proof tlog.RecordProof
	for _, l := range lines[i+1:] {
		h, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(h) != tlog.HashSize {
			fail("%s: proof hash %q", file, l)
		}
		var hash tlog.Hash
		copy(hash[:], h)
		proof = append(proof, hash)
	}
	c := parseCheckpoint(text[split+2:])
	sigs := checkKeyIDs(c)
	if err := tlog.CheckRecord(proof, c.tree.N, c.tree.Hash, index, tlog.RecordHash(extra)); err != nil {
		fail("%s: %v", file, err)
	}
	fmt.Printf("ok proof %s origin=%s index=%d size=%d signatures=%d\n", file, c.origin, index, c.tree.N, sigs)
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: tlogcheck tiles <dir> | proof <file>...")
	}
	switch os.Args[1] {
	case "tiles":
		checkTiles(os.Args[2])
	case "proof":
		for _, f := range os.Args[2:] {
			checkProof(f)
		}
	default:
		fail("unknown mode %q", os.Args[1])
	}
}
