#!/usr/bin/env bats
# The command line itself: one option table per command (options and
# operands mix, -- ends options, usage errors exit 2 with one message and a
# did-you-mean), help, man pages and completion from the same tables, the
# output formats, and the store commands' "-" and --repair.

bats_require_minimum_version 1.5.0
load helpers
load packager

setup() {
	common_setup
	cd "$BATS_TEST_TMPDIR"
	export SOURCE_DATE_EPOCH=1700000000
}

@test "options after operands work on every command" {
	pack_image demo:v1 >/dev/null
	run gadget init late --type topper
	assert_success
	assert_output --partial "created topper gadget late"
	run --separate-stderr gadget build late -o late.o -t late:1
	assert_success
	run --separate-stderr gadget validate "$BATS_TEST_TMPDIR/fixture.o" -o json
	assert_success
	assert_equal "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["gadget"]["category"])' <<<"$output")" tracer
	run gadget inspect demo:v1 -o json
	assert_success
	assert_equal "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"])' <<<"$output")" v1
	run gadget images -q --no-trunc
	assert_success
	assert_line --regexp '^sha256:[0-9a-f]{64}$'
	run gadget tag demo:v1 demo:v2
	assert_success
	run gadget key generate --output-key-prefix k
	assert_success
	run gadget sign demo:v1 --key k.key
	assert_success
	run gadget verify demo:v1 --key k.pub
	assert_output "Verified OK: demo:v1 is signed by k.pub"
	run gadget store check -o json
	assert_success
	run gadget rmi demo:v2 late:1
	assert_success
	# registry commands: the option is taken as an option (no registry: an error, not usage)
	run gadget pull 127.0.0.1:1/x:1 -q --timeout 2 --retries 0
	assert_failure 1
	refute_output --partial "usage"
	run gadget push demo:v1 127.0.0.1:1/x:1 -q --timeout 2 --retries 0
	assert_failure 1
	assert_output --partial "127.0.0.1:1"
	run gadget run "$BATS_TEST_TMPDIR/fixture.o" -t 0.5 --fields comm
	assert_success
}

@test "every usage error exits 2 with one message naming the command" {
	local cmd
	for cmd in init build validate run images tag rmi inspect export import store key sign \
		verify login logout push pull completion help version; do
		run --separate-stderr gadget "$cmd" --bogus-option x y z
		assert_equal "$status" 2
		assert_equal "$output" ""
		assert_equal "$stderr" "gadget $cmd: error: unknown option '--bogus-option' (see 'gadget help $cmd')"
	done
	run --separate-stderr gadget export onlyone
	assert_equal "$status" 2
	assert_equal "$stderr" "gadget export: error: missing REF FILE.tar|- (see 'gadget help export')"
	run --separate-stderr gadget tag a b c
	assert_equal "$status" 2
	assert_equal "$stderr" "gadget tag: error: too many arguments ('c'); expected SOURCE TARGET (see 'gadget help tag')"
	run --separate-stderr gadget run x.o --timeout
	assert_equal "$status" 2
	assert_equal "$stderr" "gadget run: error: --timeout needs a value (S) (see 'gadget help run')"
	run --separate-stderr gadget build --jobs 0
	assert_equal "$status" 2
	assert_equal "$stderr" "gadget build: error: --jobs: '0' is not a number from 1 to 1024 (see 'gadget help build')"
}

@test "did you mean: commands, options, values and subcommands" {
	run --separate-stderr gadget biuld
	assert_equal "$status" 2
	assert_equal "$stderr" "gadget: 'biuld' is not a gadget command; did you mean 'build'? See 'gadget --help'."
	run --separate-stderr gadget run x.o --fitler a==1
	assert_equal "$status" 2
	assert_equal "$stderr" "gadget run: error: unknown option '--fitler'; did you mean '--filter'? (see 'gadget help run')"
	run --separate-stderr gadget images -o yml
	assert_equal "$status" 2
	assert_output ""
	[[ "$stderr" == *"--output: unknown value 'yml'; did you mean 'yaml'?"* ]]
	run --separate-stderr gadget store chek
	assert_equal "$status" 2
	[[ "$stderr" == *"unknown subcommand 'chek'; did you mean 'check'?"* ]]
}

@test "-- ends options; -x=v and clustered short options parse" {
	# after --, "-x" is the NAME operand (an invalid one), not an option
	run --separate-stderr gadget init -- -x
	assert_equal "$status" 2
	[[ "$stderr" == *"invalid name '-x'"* ]]
	pack_image demo:v1 >/dev/null
	run gadget images --output=json
	assert_success
	assert_equal "$(python3 -c 'import json,sys; print([i["name"] for i in json.load(sys.stdin)])' <<<"$output")" "['demo']"
	run gadget images -qa
	assert_success
	assert_output --regexp '^[0-9a-f]{12}$'
}

@test "gadget help CMD is CMD --help, and every option of the table is in it" {
	local cmd
	for cmd in init build validate run images inspect store key sign verify login push pull; do
		run gadget help "$cmd"
		assert_success
		help=$output
		run gadget "$cmd" --help
		assert_equal "$output" "$help"
		assert_line --index 0 --regexp "^Usage: gadget $cmd "
	done
	run gadget help run
	for opt in "-F, --filter EXPR" "--pid PID" "--mntns-of PID" "--sort FIELD[:asc|:desc]" \
		"--max-rows N" "-o, --output columns,json,jsonpretty,yaml"; do
		assert_output --partial "$opt"
	done
}

@test "man pages from the tables render with man -l" {
	gadget help --man run > gadget-run.1
	run env MANWIDTH=100 man -l gadget-run.1
	assert_success
	assert_output --partial "gadget-run - load a gadget and show its events"
	assert_output --regexp "-F, --filter EXPR"
	assert_output --partial "--mntns-of PID"
	gadget help --man > gadget.1
	run env MANWIDTH=100 man -l gadget.1
	assert_success
	assert_output --partial "gadget-build(1)"
	run make -s -C "$GADGET_SRC" -o "$GADGET" man completion GADGET="$GADGET" O="$BATS_TEST_TMPDIR/b"
	assert_success
	assert [ -s "$BATS_TEST_TMPDIR/b/man/gadget-run.1" ]
	assert [ -s "$BATS_TEST_TMPDIR/b/man/gadget.1" ]
	assert [ -s "$BATS_TEST_TMPDIR/b/completion/gadget.bash" ]
}

# complete WORDS...: what bash's completion of the last word offers
complete_words() {
	PATH="$(dirname "$GADGET"):$PATH" bash -c '
		source <(gadget completion bash)
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_gadget
		printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}

@test "bash completion: subcommands, options, values, image names and field names" {
	run complete_words gadget bu
	assert_output "build"
	run complete_words gadget run x.o --max
	assert_output "--max-rows"
	run complete_words gadget run x.o -o js
	assert_output "$(printf 'json\njsonpretty')"
	pack_image demo:v1 >/dev/null
	run complete_words gadget inspect de
	assert_output "demo:v1"
	compile_fixture fx.o
	# the fixture's event fields (execsnoop): pid, comm...
	run complete_words gadget run fx.o --fields co
	assert_output "comm"
	run complete_words gadget run fx.o --fields pid,co
	assert_output "pid,comm"
	run complete_words gadget store c
	assert_output "check"
	for sh in zsh fish; do
		run gadget completion "$sh"
		assert_success
		assert_output --partial "gadget"
	done
	run bash -n <(gadget completion bash)
	assert_success
}

@test "-o yaml and jsonpretty parse back to the same document as -o json" {
	pack_image demo:v1 >/dev/null
	for cmd in "images" "inspect demo:v1" "store check" "validate $BATS_TEST_TMPDIR/fixture.o"; do
		json=$(gadget $cmd -o json 2>/dev/null)
		pretty=$(gadget $cmd -o jsonpretty 2>/dev/null)
		yaml=$(gadget $cmd -o yaml 2>/dev/null)
		run python3 -c '
import json, sys, yaml
j, p, y = json.loads(sys.argv[1]), json.loads(sys.argv[2]), yaml.safe_load(sys.argv[3])
assert j == p == y, (j, y)
assert "\n" not in sys.argv[1].strip() and "\n  " in sys.argv[2]
print("same")' "$json" "$pretty" "$yaml"
		assert_output "same"
	done
	# --json stays an alias
	run --separate-stderr gadget validate --json "$BATS_TEST_TMPDIR/fixture.o"
	assert_equal "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["gadget"]["category"])' <<<"$output")" tracer
	run gadget images -o json
	assert_equal "$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["architectures"])' <<<"$output")" "['amd64']"
}

@test "build keeps every -t" {
	gadget init multi >/dev/null 2>&1
	run --separate-stderr gadget build multi -t multi:a -t reg.example/multi:b -t multi:c
	assert_success
	[[ "$stderr" == *"tagged multi:a"*"tagged reg.example/multi:b"*"tagged multi:c"* ]]
	run gadget images -o json
	run python3 -c 'import json,sys; print(sorted("%s:%s" % (i["name"], i["tag"]) for i in json.load(sys.stdin)), len({i["digest"] for i in json.load(open(sys.argv[1]))}))' /dev/stdin <<<"$output"
	[ -n "$output" ]
	run gadget images -q
	assert_equal "${#lines[@]}" 1
	for t in multi:a reg.example/multi:b multi:c; do
		run gadget inspect "$t"
		assert_success
	done
	# a bad name is refused before anything compiles or is stored
	run --separate-stderr gadget build multi -t multi:d -t 'Bad Name'
	assert_equal "$status" 2
	run gadget inspect multi:d
	assert_failure
}

@test "export REF - writes the tar to stdout, import - reads it from stdin" {
	pack_image demo:v1 >/dev/null
	gadget export demo:v1 - > viastdout.tar
	gadget export demo:v1 file.tar
	cmp viastdout.tar file.tar
	assert [ ! -e ./- ]
	run tar -tf viastdout.tar index.json
	assert_output "index.json"
	run env GADGET_STORE="$BATS_TEST_TMPDIR/other" "$GADGET" import - < viastdout.tar
	assert_success
	assert_output "Imported: demo:v1"
	run env GADGET_STORE="$BATS_TEST_TMPDIR/other" "$GADGET" images -q
	assert_equal "$output" "$(gadget images -q)"
}

@test "store check --repair removes a dangling signature tag" {
	pack_image demo:v1 >/dev/null
	gadget key generate --output-key-prefix k >/dev/null
	gadget sign demo:v1 --key k.key >/dev/null
	sig=$(gadget images -a -o json | python3 -c 'import json,sys; print(next("%s:%s" % (i["name"], i["tag"]) for i in json.load(sys.stdin) if i["tag"].endswith(".sig")))')
	# the image's name goes, its signature's stays (an interrupted pull, an old gadget's rmi)
	python3 - "$GADGET_STORE/index.json" <<'PY'
import json, sys
idx = json.load(open(sys.argv[1]))
idx["manifests"] = [m for m in idx["manifests"] if not m["annotations"]["org.opencontainers.image.ref.name"].endswith(":v1")]
json.dump(idx, open(sys.argv[1], "w"))
PY
	run gadget store check
	assert_failure 1
	assert_line "$sig: a signature of an image no name in the store has (--repair removes it)"
	assert_output --regexp ", 1 dangling signatures, 0 temporary files \(--repair to fix\)$"
	run gadget store check --repair
	assert_success
	assert_line "$sig: a signature of an image no name in the store has (removed)"
	run gadget images -a -q
	assert_output ""
	run gadget store check
	assert_success
	refute_output --partial "dangling"
}

@test "--version names gadget, libbpf, clang and the kernel" {
	run gadget --version
	assert_success
	assert_line --index 0 --regexp '^gadget '
	assert_line --index 1 --regexp '^libbpf v[0-9]+\.[0-9]+'
	assert_line --index 2 --regexp 'clang version [0-9]+'
	assert_line --index 3 "kernel $(uname -r) $(uname -m)"
}

@test "logout when not logged in is a note and exit 0; login takes https://host/" {
	run --separate-stderr gadget logout reg.example
	assert_success
	assert_equal "$stderr" "gadget: note: not logged in to reg.example"
	run --separate-stderr gadget login https://reg.example/x/ -u u --password-stdin < /dev/null
	assert_equal "$status" 2
	[[ "$stderr" == *"'https://reg.example/x/': give the registry host only"* ]]
	run --separate-stderr gadget login -u u --password-stdin https://127.0.0.1:1/ --timeout 2 --retries 0 <<<"pw"
	assert_equal "$status" 1
	[[ "$stderr" == *"127.0.0.1:1"* ]]
}

@test "key generate asks for a passphrase on a terminal; empty means unencrypted, and says so" {
	unset GADGET_KEY_PASSWORD COSIGN_PASSWORD
	(printf 'sesame\n'; sleep 0.5; printf 'sesame\n'; sleep 1) |
		script -qec "$GADGET key generate --output-key-prefix enc" /dev/null > tty.out
	run head -1 enc.key
	assert_output "-----BEGIN ENCRYPTED PRIVATE KEY-----"
	run env PW=sesame openssl pkey -in enc.key -passin env:PW -noout
	assert_success
	(printf '\n'; sleep 0.5; printf '\n'; sleep 1) |
		script -qec "$GADGET key generate --output-key-prefix plain" /dev/null > tty.out
	run cat tty.out
	assert_output --partial "no passphrase: the private key is written unencrypted"
	run head -1 plain.key
	assert_output "-----BEGIN PRIVATE KEY-----"
	# no terminal, no variable: unencrypted, as before
	run gadget key generate --output-key-prefix quiet < /dev/null
	assert_success
	run head -1 quiet.key
	assert_output "-----BEGIN PRIVATE KEY-----"
}
