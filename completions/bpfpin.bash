# bash completion for bpfpin, written by `bpfpin generate`. Candidates come
# from `bpfpin __complete`: verbs and flags from its command tree, bpftool's
# words, and the running kernel's ids, pins and interfaces.
_bpfpin() {
    local line
    local -a lines
    mapfile -t lines < <("${COMP_WORDS[0]}" __complete bash "$COMP_CWORD" -- "${COMP_WORDS[@]}" 2>/dev/null)
    COMPREPLY=()
    if (( ${#lines[@]} == 1 )); then
        COMPREPLY=("${lines[0]%%$'\t'*}")
        [[ ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
        return 0
    fi
    # Several: show what each id names; only the common prefix is inserted.
    for line in "${lines[@]}"; do
        if [[ $line == *$'\t'* ]]; then
            COMPREPLY+=("${line%%$'\t'*} (${line#*$'\t'})")
        else
            COMPREPLY+=("$line")
        fi
    done
    return 0
}
complete -F _bpfpin bpfpin
