# Sourced by the scripts: installs missing Debian packages when run as root, else says what to install.
# Usage: ensure_packages COMMAND:PACKAGE ...   (a package is installed when its command is missing)
ensure_packages() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "statestore: installing ${missing[*]} ..." >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "statestore: missing ${missing[*]}; install them (sudo apt-get install -y ${missing[*]}) and run again" >&2
        return 1
    fi
}
