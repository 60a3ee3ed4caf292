#!/bin/sh
# Online backup of a Cairn data directory while Cairn runs: a consistent copy of every object's
# database, each taken with SQLite's online backup API (the sqlite3 command-line shell, 3.27+).
#
#   deploy/backup.sh /var/lib/cairn /backups/cairn-$(date +%Y%m%d-%H%M%S)
#
# Each copy holds everything its object had committed when that copy began (WAL included) and
# nothing partial; objects are copied one after another, so different objects are copied at
# different moments (Cairn has no transactions across objects, so nothing is torn). Run it as the
# user Cairn runs as: SQLite readers need write access to the -shm file next to a database.
# Restore: stop Cairn, put the copy in place of the data directory, start Cairn with the same
# configuration (the namespace keys decide which file a name maps to).
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 DATA_DIR BACKUP_DIR" >&2
    exit 2
fi
src=$1
dest=$2
[ -d "$src" ] || { echo "$0: no such directory: $src" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "$0: needs the sqlite3 command-line shell" >&2; exit 2; }
mkdir -p "$dest"

copied=0
# Namespace directories and object files are named [a-z0-9-] and hex: no quoting surprises.
for db in $(cd "$src" && find . -type f -name '*.sqlite' | sort); do
    mkdir -p "$dest/$(dirname "$db")"
    # One read transaction: a snapshot of the database, while Cairn goes on writing (WAL mode).
    # Waits up to 10 s for a lock (e.g. while the file is being created).
    sqlite3 "$src/$db" ".timeout 10000" ".backup '$dest/$db'"
    copied=$((copied + 1))
done
echo "$copied object databases copied to $dest"
