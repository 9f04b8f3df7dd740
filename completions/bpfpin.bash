_bpfpin() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="bpfpin"
                ;;
            bpfpin,completions)
                cmd="bpfpin__subcmd__completions"
                ;;
            bpfpin,doctor)
                cmd="bpfpin__subcmd__doctor"
                ;;
            bpfpin,generate)
                cmd="bpfpin__subcmd__generate"
                ;;
            bpfpin,help)
                cmd="bpfpin__subcmd__help"
                ;;
            bpfpin,link)
                cmd="bpfpin__subcmd__link"
                ;;
            bpfpin,ls)
                cmd="bpfpin__subcmd__ls"
                ;;
            bpfpin,map)
                cmd="bpfpin__subcmd__map"
                ;;
            bpfpin,net)
                cmd="bpfpin__subcmd__net"
                ;;
            bpfpin,prog)
                cmd="bpfpin__subcmd__prog"
                ;;
            bpfpin__subcmd__help,completions)
                cmd="bpfpin__subcmd__help__subcmd__completions"
                ;;
            bpfpin__subcmd__help,doctor)
                cmd="bpfpin__subcmd__help__subcmd__doctor"
                ;;
            bpfpin__subcmd__help,generate)
                cmd="bpfpin__subcmd__help__subcmd__generate"
                ;;
            bpfpin__subcmd__help,help)
                cmd="bpfpin__subcmd__help__subcmd__help"
                ;;
            bpfpin__subcmd__help,link)
                cmd="bpfpin__subcmd__help__subcmd__link"
                ;;
            bpfpin__subcmd__help,ls)
                cmd="bpfpin__subcmd__help__subcmd__ls"
                ;;
            bpfpin__subcmd__help,map)
                cmd="bpfpin__subcmd__help__subcmd__map"
                ;;
            bpfpin__subcmd__help,net)
                cmd="bpfpin__subcmd__help__subcmd__net"
                ;;
            bpfpin__subcmd__help,prog)
                cmd="bpfpin__subcmd__help__subcmd__prog"
                ;;
            bpfpin__subcmd__help__subcmd__link,detach)
                cmd="bpfpin__subcmd__help__subcmd__link__subcmd__detach"
                ;;
            bpfpin__subcmd__help__subcmd__link,list)
                cmd="bpfpin__subcmd__help__subcmd__link__subcmd__list"
                ;;
            bpfpin__subcmd__help__subcmd__link,pin)
                cmd="bpfpin__subcmd__help__subcmd__link__subcmd__pin"
                ;;
            bpfpin__subcmd__help__subcmd__link,show)
                cmd="bpfpin__subcmd__help__subcmd__link__subcmd__show"
                ;;
            bpfpin__subcmd__help__subcmd__map,create)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__create"
                ;;
            bpfpin__subcmd__help__subcmd__map,delete)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__delete"
                ;;
            bpfpin__subcmd__help__subcmd__map,dequeue)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__dequeue"
                ;;
            bpfpin__subcmd__help__subcmd__map,dump)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__dump"
                ;;
            bpfpin__subcmd__help__subcmd__map,enqueue)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__enqueue"
                ;;
            bpfpin__subcmd__help__subcmd__map,freeze)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__freeze"
                ;;
            bpfpin__subcmd__help__subcmd__map,getnext)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__getnext"
                ;;
            bpfpin__subcmd__help__subcmd__map,list)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__list"
                ;;
            bpfpin__subcmd__help__subcmd__map,lookup)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__lookup"
                ;;
            bpfpin__subcmd__help__subcmd__map,peek)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__peek"
                ;;
            bpfpin__subcmd__help__subcmd__map,pin)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__pin"
                ;;
            bpfpin__subcmd__help__subcmd__map,pop)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__pop"
                ;;
            bpfpin__subcmd__help__subcmd__map,push)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__push"
                ;;
            bpfpin__subcmd__help__subcmd__map,rm)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__rm"
                ;;
            bpfpin__subcmd__help__subcmd__map,show)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__show"
                ;;
            bpfpin__subcmd__help__subcmd__map,update)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__update"
                ;;
            bpfpin__subcmd__help__subcmd__map,watch)
                cmd="bpfpin__subcmd__help__subcmd__map__subcmd__watch"
                ;;
            bpfpin__subcmd__help__subcmd__net,attach)
                cmd="bpfpin__subcmd__help__subcmd__net__subcmd__attach"
                ;;
            bpfpin__subcmd__help__subcmd__net,detach)
                cmd="bpfpin__subcmd__help__subcmd__net__subcmd__detach"
                ;;
            bpfpin__subcmd__help__subcmd__net,list)
                cmd="bpfpin__subcmd__help__subcmd__net__subcmd__list"
                ;;
            bpfpin__subcmd__help__subcmd__net,show)
                cmd="bpfpin__subcmd__help__subcmd__net__subcmd__show"
                ;;
            bpfpin__subcmd__help__subcmd__prog,attach)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__attach"
                ;;
            bpfpin__subcmd__help__subcmd__prog,detach)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__detach"
                ;;
            bpfpin__subcmd__help__subcmd__prog,dump)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__dump"
                ;;
            bpfpin__subcmd__help__subcmd__prog,list)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__list"
                ;;
            bpfpin__subcmd__help__subcmd__prog,load)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__load"
                ;;
            bpfpin__subcmd__help__subcmd__prog,loadall)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__loadall"
                ;;
            bpfpin__subcmd__help__subcmd__prog,pin)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__pin"
                ;;
            bpfpin__subcmd__help__subcmd__prog,rm)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__rm"
                ;;
            bpfpin__subcmd__help__subcmd__prog,run)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__run"
                ;;
            bpfpin__subcmd__help__subcmd__prog,show)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__show"
                ;;
            bpfpin__subcmd__help__subcmd__prog,stats)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__stats"
                ;;
            bpfpin__subcmd__help__subcmd__prog,tracelog)
                cmd="bpfpin__subcmd__help__subcmd__prog__subcmd__tracelog"
                ;;
            bpfpin__subcmd__link,detach)
                cmd="bpfpin__subcmd__link__subcmd__detach"
                ;;
            bpfpin__subcmd__link,help)
                cmd="bpfpin__subcmd__link__subcmd__help"
                ;;
            bpfpin__subcmd__link,list)
                cmd="bpfpin__subcmd__link__subcmd__list"
                ;;
            bpfpin__subcmd__link,pin)
                cmd="bpfpin__subcmd__link__subcmd__pin"
                ;;
            bpfpin__subcmd__link,show)
                cmd="bpfpin__subcmd__link__subcmd__show"
                ;;
            bpfpin__subcmd__link__subcmd__help,detach)
                cmd="bpfpin__subcmd__link__subcmd__help__subcmd__detach"
                ;;
            bpfpin__subcmd__link__subcmd__help,help)
                cmd="bpfpin__subcmd__link__subcmd__help__subcmd__help"
                ;;
            bpfpin__subcmd__link__subcmd__help,list)
                cmd="bpfpin__subcmd__link__subcmd__help__subcmd__list"
                ;;
            bpfpin__subcmd__link__subcmd__help,pin)
                cmd="bpfpin__subcmd__link__subcmd__help__subcmd__pin"
                ;;
            bpfpin__subcmd__link__subcmd__help,show)
                cmd="bpfpin__subcmd__link__subcmd__help__subcmd__show"
                ;;
            bpfpin__subcmd__map,create)
                cmd="bpfpin__subcmd__map__subcmd__create"
                ;;
            bpfpin__subcmd__map,delete)
                cmd="bpfpin__subcmd__map__subcmd__delete"
                ;;
            bpfpin__subcmd__map,dequeue)
                cmd="bpfpin__subcmd__map__subcmd__dequeue"
                ;;
            bpfpin__subcmd__map,dump)
                cmd="bpfpin__subcmd__map__subcmd__dump"
                ;;
            bpfpin__subcmd__map,enqueue)
                cmd="bpfpin__subcmd__map__subcmd__enqueue"
                ;;
            bpfpin__subcmd__map,freeze)
                cmd="bpfpin__subcmd__map__subcmd__freeze"
                ;;
            bpfpin__subcmd__map,getnext)
                cmd="bpfpin__subcmd__map__subcmd__getnext"
                ;;
            bpfpin__subcmd__map,help)
                cmd="bpfpin__subcmd__map__subcmd__help"
                ;;
            bpfpin__subcmd__map,list)
                cmd="bpfpin__subcmd__map__subcmd__list"
                ;;
            bpfpin__subcmd__map,lookup)
                cmd="bpfpin__subcmd__map__subcmd__lookup"
                ;;
            bpfpin__subcmd__map,peek)
                cmd="bpfpin__subcmd__map__subcmd__peek"
                ;;
            bpfpin__subcmd__map,pin)
                cmd="bpfpin__subcmd__map__subcmd__pin"
                ;;
            bpfpin__subcmd__map,pop)
                cmd="bpfpin__subcmd__map__subcmd__pop"
                ;;
            bpfpin__subcmd__map,push)
                cmd="bpfpin__subcmd__map__subcmd__push"
                ;;
            bpfpin__subcmd__map,rm)
                cmd="bpfpin__subcmd__map__subcmd__rm"
                ;;
            bpfpin__subcmd__map,show)
                cmd="bpfpin__subcmd__map__subcmd__show"
                ;;
            bpfpin__subcmd__map,update)
                cmd="bpfpin__subcmd__map__subcmd__update"
                ;;
            bpfpin__subcmd__map,watch)
                cmd="bpfpin__subcmd__map__subcmd__watch"
                ;;
            bpfpin__subcmd__map__subcmd__help,create)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__create"
                ;;
            bpfpin__subcmd__map__subcmd__help,delete)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__delete"
                ;;
            bpfpin__subcmd__map__subcmd__help,dequeue)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__dequeue"
                ;;
            bpfpin__subcmd__map__subcmd__help,dump)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__dump"
                ;;
            bpfpin__subcmd__map__subcmd__help,enqueue)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__enqueue"
                ;;
            bpfpin__subcmd__map__subcmd__help,freeze)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__freeze"
                ;;
            bpfpin__subcmd__map__subcmd__help,getnext)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__getnext"
                ;;
            bpfpin__subcmd__map__subcmd__help,help)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__help"
                ;;
            bpfpin__subcmd__map__subcmd__help,list)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__list"
                ;;
            bpfpin__subcmd__map__subcmd__help,lookup)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__lookup"
                ;;
            bpfpin__subcmd__map__subcmd__help,peek)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__peek"
                ;;
            bpfpin__subcmd__map__subcmd__help,pin)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__pin"
                ;;
            bpfpin__subcmd__map__subcmd__help,pop)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__pop"
                ;;
            bpfpin__subcmd__map__subcmd__help,push)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__push"
                ;;
            bpfpin__subcmd__map__subcmd__help,rm)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__rm"
                ;;
            bpfpin__subcmd__map__subcmd__help,show)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__show"
                ;;
            bpfpin__subcmd__map__subcmd__help,update)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__update"
                ;;
            bpfpin__subcmd__map__subcmd__help,watch)
                cmd="bpfpin__subcmd__map__subcmd__help__subcmd__watch"
                ;;
            bpfpin__subcmd__net,attach)
                cmd="bpfpin__subcmd__net__subcmd__attach"
                ;;
            bpfpin__subcmd__net,detach)
                cmd="bpfpin__subcmd__net__subcmd__detach"
                ;;
            bpfpin__subcmd__net,help)
                cmd="bpfpin__subcmd__net__subcmd__help"
                ;;
            bpfpin__subcmd__net,list)
                cmd="bpfpin__subcmd__net__subcmd__list"
                ;;
            bpfpin__subcmd__net,show)
                cmd="bpfpin__subcmd__net__subcmd__show"
                ;;
            bpfpin__subcmd__net__subcmd__help,attach)
                cmd="bpfpin__subcmd__net__subcmd__help__subcmd__attach"
                ;;
            bpfpin__subcmd__net__subcmd__help,detach)
                cmd="bpfpin__subcmd__net__subcmd__help__subcmd__detach"
                ;;
            bpfpin__subcmd__net__subcmd__help,help)
                cmd="bpfpin__subcmd__net__subcmd__help__subcmd__help"
                ;;
            bpfpin__subcmd__net__subcmd__help,list)
                cmd="bpfpin__subcmd__net__subcmd__help__subcmd__list"
                ;;
            bpfpin__subcmd__net__subcmd__help,show)
                cmd="bpfpin__subcmd__net__subcmd__help__subcmd__show"
                ;;
            bpfpin__subcmd__prog,attach)
                cmd="bpfpin__subcmd__prog__subcmd__attach"
                ;;
            bpfpin__subcmd__prog,detach)
                cmd="bpfpin__subcmd__prog__subcmd__detach"
                ;;
            bpfpin__subcmd__prog,dump)
                cmd="bpfpin__subcmd__prog__subcmd__dump"
                ;;
            bpfpin__subcmd__prog,help)
                cmd="bpfpin__subcmd__prog__subcmd__help"
                ;;
            bpfpin__subcmd__prog,list)
                cmd="bpfpin__subcmd__prog__subcmd__list"
                ;;
            bpfpin__subcmd__prog,load)
                cmd="bpfpin__subcmd__prog__subcmd__load"
                ;;
            bpfpin__subcmd__prog,loadall)
                cmd="bpfpin__subcmd__prog__subcmd__loadall"
                ;;
            bpfpin__subcmd__prog,pin)
                cmd="bpfpin__subcmd__prog__subcmd__pin"
                ;;
            bpfpin__subcmd__prog,rm)
                cmd="bpfpin__subcmd__prog__subcmd__rm"
                ;;
            bpfpin__subcmd__prog,run)
                cmd="bpfpin__subcmd__prog__subcmd__run"
                ;;
            bpfpin__subcmd__prog,show)
                cmd="bpfpin__subcmd__prog__subcmd__show"
                ;;
            bpfpin__subcmd__prog,stats)
                cmd="bpfpin__subcmd__prog__subcmd__stats"
                ;;
            bpfpin__subcmd__prog,tracelog)
                cmd="bpfpin__subcmd__prog__subcmd__tracelog"
                ;;
            bpfpin__subcmd__prog__subcmd__help,attach)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__attach"
                ;;
            bpfpin__subcmd__prog__subcmd__help,detach)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__detach"
                ;;
            bpfpin__subcmd__prog__subcmd__help,dump)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__dump"
                ;;
            bpfpin__subcmd__prog__subcmd__help,help)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__help"
                ;;
            bpfpin__subcmd__prog__subcmd__help,list)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__list"
                ;;
            bpfpin__subcmd__prog__subcmd__help,load)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__load"
                ;;
            bpfpin__subcmd__prog__subcmd__help,loadall)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__loadall"
                ;;
            bpfpin__subcmd__prog__subcmd__help,pin)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__pin"
                ;;
            bpfpin__subcmd__prog__subcmd__help,rm)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__rm"
                ;;
            bpfpin__subcmd__prog__subcmd__help,run)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__run"
                ;;
            bpfpin__subcmd__prog__subcmd__help,show)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__show"
                ;;
            bpfpin__subcmd__prog__subcmd__help,stats)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__stats"
                ;;
            bpfpin__subcmd__prog__subcmd__help,tracelog)
                cmd="bpfpin__subcmd__prog__subcmd__help__subcmd__tracelog"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        bpfpin)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version prog map net link ls completions doctor generate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__completions)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__doctor)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__generate)
            opts="-j -p -f -n -d -h -V --out --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help)
            opts="prog map net link ls completions doctor generate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__doctor)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__generate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__link)
            opts="show list pin detach"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__link__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__link__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__link__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__link__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__ls)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map)
            opts="show list dump lookup getnext update delete create pin freeze rm watch push enqueue pop dequeue peek"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__dequeue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__enqueue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__freeze)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__getnext)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__lookup)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__peek)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__pop)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__push)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__rm)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__update)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__map__subcmd__watch)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__net)
            opts="show list attach detach"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__net__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__net__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__net__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__net__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog)
            opts="show list dump pin load loadall rm attach detach tracelog run stats"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__load)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__loadall)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__rm)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__run)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__stats)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__help__subcmd__prog__subcmd__tracelog)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version show list pin detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__detach)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__help)
            opts="show list pin detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__help__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__help__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__list)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__pin)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__link__subcmd__show)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__ls)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version show list dump lookup getnext update delete create pin freeze rm watch push enqueue pop dequeue peek help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__create)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__delete)
            opts="-j -p -f -n -d -h -V --all --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__dequeue)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__dump)
            opts="-j -p -f -n -d -h -V --hex --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__enqueue)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__freeze)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__getnext)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help)
            opts="show list dump lookup getnext update delete create pin freeze rm watch push enqueue pop dequeue peek help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__create)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__delete)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__dequeue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__enqueue)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__freeze)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__getnext)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__lookup)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__peek)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__pop)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__push)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__rm)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__update)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__help__subcmd__watch)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__list)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__lookup)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__peek)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__pin)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__pop)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__push)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__rm)
            opts="-r -j -p -f -n -d -h -V --recursive --whole-bpffs --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__show)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__update)
            opts="-j -p -f -n -d -h -V --from --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__map__subcmd__watch)
            opts="-j -p -f -n -d -h -V --interval --count --per-cpu --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version show list attach detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__attach)
            opts="-j -p -f -n -d -h -V --link --priority --handle --before --after --duration --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --link)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --priority)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --handle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --before)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --after)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --duration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__detach)
            opts="-j -p -f -n -d -h -V --priority --handle --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --priority)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --handle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__help)
            opts="show list attach detach help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__help__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__help__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__list)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__net__subcmd__show)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version show list dump pin load loadall rm attach detach tracelog run stats help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__attach)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__detach)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__dump)
            opts="-j -p -f -n -d -h -V --opcodes --linum --visual --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help)
            opts="show list dump pin load loadall rm attach detach tracelog run stats help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__attach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__detach)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__dump)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__load)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__loadall)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__rm)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__run)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__stats)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__help__subcmd__tracelog)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__list)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__load)
            opts="-j -p -f -n -d -h -V --prog --type --pin-maps --map --reuse-maps --replace-maps --verifier-log --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --prog)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pin-maps)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__loadall)
            opts="-j -p -f -n -d -h -V --type --pin-maps --map --reuse-maps --replace-maps --verifier-log --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --type)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pin-maps)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__pin)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__rm)
            opts="-r -j -p -f -n -d -h -V --recursive --whole-bpffs --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__run)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__show)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__stats)
            opts="-j -p -f -n -d -h -V --duration --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --duration)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        bpfpin__subcmd__prog__subcmd__tracelog)
            opts="-j -p -f -n -d -h -V --json --pretty --bpffs --nomount --debug --netns --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _bpfpin -o nosort -o bashdefault -o default bpfpin
else
    complete -F _bpfpin -o bashdefault -o default bpfpin
fi
