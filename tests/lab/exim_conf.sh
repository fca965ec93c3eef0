# SPDX-License-Identifier: BSD-2-Clause
# exim_conf.sh - the Exim main configuration every Exim of the tests runs
# (tests/lab/exim.sh for the build tree, tests/pkg/pkg.sh for the packages)
#
# exim_conf EXDIR MODULE DANEHOP_CONFIG ROUTER TRANSPORT [MACROS] - on
#     stdout: spool and logs under EXDIR, every remote domain routed through
#     ROUTER to TRANSPORT (files included with .include), the danehop module
#     MODULE; DANEHOP_CONFIG empty leaves the module's default configuration;
#     MACROS (lines) go first.

exim_conf() {
    [ -z "${6:-}" ] || printf '%s\n' "$6"
    echo "DANEHOP_MODULE = $2"
    [ -z "$3" ] || echo "DANEHOP_CONFIG = $3"
    cat <<CONF
primary_hostname = sender.test
domainlist local_domains = sender.test
spool_directory = $1/spool
log_file_path = $1/log/%slog
keep_environment =
disable_ipv6 = true
dns_dnssec_ok = 1
begin routers
.include $4
begin transports
.include $5
begin retry
* * F,1m,1m
CONF
}
