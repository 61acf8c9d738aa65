# Used by completion.test.ts: zsh completion-capture.zsh FPATH_DIR 'command line' BIN_DIR
# An interactive zsh on a pseudo-terminal (zsh/zpty): compinit with _wirelite from FPATH_DIR,
# compadd wrapped to print each match it adds, then the line and a TAB; the completion ends the
# shell (comppostfuncs). Prints the matches, one a line.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=''; RPROMPT=''"
zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; path=($3 \$path)"
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "MATCH""=$h"; done }'
zpty -w z "zstyle ':completion:*' completer _complete; bindkey '^I' complete-word; comppostfuncs=( exit )"
zpty -w z "$2"$'\t'
local line
while zpty -r z line; do
  line=${line//$'\r'/}
  [[ $line == *MATCH=* ]] && print -r -- ${line##*MATCH=}
done
zpty -d z
