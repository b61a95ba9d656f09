# Sourced by the container scripts: podman configured for this kind of machine, with its
# settings and storage in a folder of the project's own (never the host's defaults).
#   - runc: crun refuses this host's hybrid cgroups;
#   - cgroupfs and a file events log: there is no systemd;
#   - ulimits no higher than the host's hard limits, which may not be raised here;
#   - overlay storage (vfs works too, but is 4x slower and 6x bigger).
CONTAINERS_HOME=${CONTAINERS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/article-data-api/containers}
mkdir -p "$CONTAINERS_HOME/storage" "$CONTAINERS_HOME/run"
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
cat > "$CONTAINERS_HOME/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$CONTAINERS_HOME/events.log"
CONF
cat > "$CONTAINERS_HOME/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$CONTAINERS_HOME/storage"
runroot = "$CONTAINERS_HOME/run"
CONF
export CONTAINERS_CONF="$CONTAINERS_HOME/containers.conf"
export CONTAINERS_STORAGE_CONF="$CONTAINERS_HOME/storage.conf"
