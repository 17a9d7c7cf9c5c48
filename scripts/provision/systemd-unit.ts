// The gateway's systemd unit. Pure. Why each line (systemd.exec(5), systemd.service(5)):
// - Type=notify + NotifyAccess=all: the gateway says READY=1 and feeds WATCHDOG=1 through the
//   `systemd-notify` helper, a child process (gateway/systemd/notify.ts).
// - WatchdogSec: a gateway whose event loop hangs is killed and, with Restart=on-failure, started again;
//   StartLimitIntervalSec=0 keeps restarting however often, because a room without its gateway loses
//   nothing only while the meters' own counters run (the outbox catches up afterwards).
// - A dedicated system user in the dialout group (the group of /dev/ttyUSB*, /dev/ttyACM* on Debian and
//   Ubuntu); the device policy lets it open serial lines and nothing else under /dev.
// - StateDirectory=joulebook: /var/lib/joulebook, the outbox and state; ProtectSystem=strict makes the rest
//   of the file system read-only for the service.
import { ON_DEVICE } from './gateway-yaml.js';

export interface UnitInput {
  gateway: string;
  site: string;
  room: string;
  /** The installed command (npm --global puts it in /usr/bin with NodeSource's Node.js). */
  command: string;
  user: string;
  watchdogS: number;
}

export function systemdUnit(u: UnitInput): string {
  return `# Joulebook gateway ${u.gateway} (site ${u.site}, room ${u.room}); written by \`joulebook provision\`.
[Unit]
Description=Joulebook gateway ${u.gateway} (site ${u.site}, room ${u.room})
Documentation=file:/usr/lib/node_modules/joulebook/docs/installer.md
Wants=network-online.target time-sync.target
After=network-online.target time-sync.target
StartLimitIntervalSec=0

[Service]
Type=notify
NotifyAccess=all
ExecStart=${u.command} gateway run -c ${ON_DEVICE.config}
Restart=on-failure
RestartSec=5
WatchdogSec=${u.watchdogS}
TimeoutStartSec=120
TimeoutStopSec=30
Environment=NODE_ENV=production
User=${u.user}
Group=${u.user}
SupplementaryGroups=dialout
StateDirectory=joulebook
StateDirectoryMode=0750
WorkingDirectory=${ON_DEVICE.dataDir}
UMask=0027
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native
CapabilityBoundingSet=
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
DevicePolicy=closed
DeviceAllow=char-ttyUSB rw
DeviceAllow=char-ttyACM rw
DeviceAllow=char-ttyAMA rw
DeviceAllow=char-ttyS rw

[Install]
WantedBy=multi-user.target
`;
}
