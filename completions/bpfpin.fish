# fish completion for bpfpin, written by `bpfpin generate`. Candidates come
# from `bpfpin __complete`: verbs and flags from its command tree, bpftool's
# words, and the running kernel's ids, pins and interfaces.
function __bpfpin_complete
    set -l words (commandline -opc) (commandline -ct)
    $words[1] __complete fish (math (count $words) - 1) -- $words 2>/dev/null
end
complete -c bpfpin -f -a '(__bpfpin_complete)'
