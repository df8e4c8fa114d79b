/* menus: the semantics table, built from ROUTEROS-MENUS.md. Rows are in
 * export order (the merged order of that file, with the few menus other
 * items refer to moved before their users, so an export runs top down).
 * Defaults are those the file gives with some confidence; a default that
 * is wrong only makes a value look unset, so uncertain ones are left out.
 * Every menu also has the defaults `disabled=no comment=""` unless its row
 * says otherwise. A row may also name defaults that exports print even at
 * their default value (`printed`, e.g. a firewall rule's action). */
#include "routeros/menus.h"

#include <string.h>

#include "lib/mem.h"

#define K(p, key, d)                                         \
	{                                                    \
		p, NR_ROS_KEYED, key, NULL, d, NULL, 0, NULL \
	}
#define KB(p, key, d, b)                                  \
	{                                                 \
		p, NR_ROS_KEYED, key, NULL, d, b, 0, NULL \
	}
#define S(p, d)                                                               \
	{                                                                     \
		p, NR_ROS_SINGLETON, NULL, NULL, d, NULL, NR_ROS_M_OPEN, NULL \
	}
#define O(p, scope, d)                                           \
	{                                                        \
		p, NR_ROS_ORDERED, NULL, scope, d, NULL, 0, NULL \
	}
/* ordered, with defaults exports print anyway (`printed`) */
#define OP(p, scope, d, pr)                                    \
	{                                                      \
		p, NR_ROS_ORDERED, NULL, scope, d, NULL, 0, pr \
	}
#define L(p, d)                                              \
	{                                                    \
		p, NR_ROS_LIST, NULL, NULL, d, NULL, 0, NULL \
	}
#define LB(p, d, b)                                       \
	{                                                 \
		p, NR_ROS_LIST, NULL, NULL, d, b, 0, NULL \
	}
#define F(p, d, b, fl)                                                         \
	{                                                                      \
		p, NR_ROS_FIXED, NULL, NULL, d, b, NR_ROS_M_NOADD | (fl), NULL \
	}
#define G(p, d)                                                             \
	{                                                                   \
		p, NR_ROS_GENERIC, NULL, NULL, d, NULL, NR_ROS_M_OPEN, NULL \
	}

#define FW_DEFAULTS "action=accept log=no log-prefix=\"\""

/* Real exports print `action=accept` on every rule of these menus: 534
 * firewall rules and 46 CAPsMAN access-list entries in the corpus print
 * it, none leaves it out (only a hand-written script does), and exports
 * of bridge filter and nat rules found in public repositories print it
 * too. RouterOS 6.20 still left it out; the model accepts both. */
static const char *const pr_action[] = { "action", NULL };

static const struct nr_ros_builtin b_default[] = {
	{ "[ find default=yes ]", "default=yes name=default" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_security_profiles[] = {
	{ "[ find default=yes ]", "default=yes name=default" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_interface_list[] = {
	{ "[ find name=all ]", "name=all comment=\"contains all interfaces\"" },
	{ "[ find name=none ]",
	    "name=none comment=\"contains no interfaces\"" },
	{ "[ find name=dynamic ]",
	    "name=dynamic comment=\"contains dynamic interfaces\"" },
	{ "[ find name=static ]",
	    "name=static comment=\"contains static interfaces\"" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_dhcp_client_option[] = {
	{ "clientid_duid",
	    "name=clientid_duid code=61 value=\"0xff\\$(CLIENT_DUID)\"" },
	{ "clientid", "name=clientid code=61 value=\"0x01\\$(CLIENT_MAC)\"" },
	{ "hostname", "name=hostname code=12 value=\"\\$(HOSTNAME)\"" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_mode_config[] = {
	{ "[ find default=yes ]",
	    "default=yes name=request-only responder=no" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_ppp_profile[] = {
	{ "*0", "name=default" },
	{ "*FFFFFFFE", "name=default-encryption use-encryption=yes" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_queue_type[] = {
	{ "0", "kind=pfifo name=default" },
	{ "1", "kind=pfifo name=ethernet-default" },
	{ "2", "kind=sfq name=wireless-default" },
	{ "3",
	    "kind=red name=synchronous-default red-avg-packet=1000 "
	    "red-burst=20 red-limit=60 red-max-threshold=50 "
	    "red-min-threshold=10" },
	{ "4", "kind=sfq name=hotspot-default" },
	{ "5", "kind=pcq name=pcq-upload-default pcq-classifier=src-address" },
	{ "6",
	    "kind=pcq name=pcq-download-default pcq-classifier=dst-address" },
	{ "7", "kind=none name=only-hardware-queue" },
	{ "8", "kind=mq-pfifo name=multi-queue-ethernet-default" },
	{ "9", "kind=pfifo name=default-small pfifo-limit=10" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_bgp_template[] = {
	{ "default", "name=default" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_snmp_community[] = {
	{ "[ find default=yes ]", "default=yes name=public" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_logging_action[] = {
	{ "0", "name=memory target=memory" },
	{ "1", "name=disk target=disk" },
	{ "2", "name=echo target=echo" },
	{ "3", "name=remote target=remote" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_user_group[] = {
	{ "read", "name=read" },
	{ "write", "name=write" },
	{ "full", "name=full" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_capsman_iface[] = {
	{ "[ find default=yes ]", "default=yes interface=all" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_service_port[] = {
	{ "ftp", "name=ftp ports=21" },
	{ "tftp", "name=tftp ports=69" },
	{ "irc", "name=irc ports=6667" },
	{ "h323", "name=h323" },
	{ "sip",
	    "name=sip ports=5060,5061 sip-direct-media=yes "
	    "sip-timeout=1h" },
	{ "pptp", "name=pptp" },
	{ "udplite", "name=udplite" },
	{ "dccp", "name=dccp" },
	{ "sctp", "name=sctp" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_hotspot_service_port[] = {
	{ "ftp", "name=ftp ports=21" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_hotspot_user[] = {
	{ "[ find default=yes ]", "default=yes name=default-trial" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_ipsec_policy[] = {
	{ "[ find default=yes ]",
	    "default=yes dst-address=::/0 group=default src-address=::/0 "
	    "template=yes" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_service[] = {
	{ "telnet", "name=telnet port=23" },
	{ "ftp", "name=ftp port=21" },
	{ "www", "name=www port=80" },
	{ "ssh", "name=ssh port=22" },
	{ "www-ssl", "name=www-ssl port=443 disabled=yes" },
	{ "api", "name=api port=8728" },
	{ "winbox", "name=winbox port=8291" },
	{ "api-ssl", "name=api-ssl port=8729" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_ipv6_nd[] = {
	{ "[ find default=yes ]", "default=yes interface=all" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_logging[] = {
	{ "0", "topics=info" },
	{ "1", "topics=error" },
	{ "2", "topics=warning" },
	{ "3", "topics=critical action=echo" },
	{ NULL, NULL },
};

static const struct nr_ros_builtin b_user[] = {
	{ "admin", "name=admin group=full" },
	{ NULL, NULL },
};

static const struct nr_ros_menu_def defs[] = {
	/* definitions other items refer to */
	K("/caps-man channel", "name", NULL),
	K("/caps-man datapath", "name", NULL),
	K("/caps-man rates", "name", NULL),
	K("/caps-man security", "name", NULL),
	K("/caps-man configuration", "name", NULL),
	K("/interface bridge", "name",
	    "arp=enabled auto-mac=yes fast-forward=yes vlan-filtering=no "
	    "protocol-mode=rstp dhcp-snooping=no igmp-snooping=no mtu=auto "
	    "port-cost-mode=long"),
	F("/interface ethernet",
	    "arp=enabled arp-timeout=auto mtu=1500 auto-negotiation=yes "
	    "full-duplex=yes rx-flow-control=off tx-flow-control=off "
	    "loop-protect=default loop-protect-disable-time=5m "
	    "loop-protect-send-interval=5s bandwidth=unlimited/unlimited",
	    NULL, NR_ROS_M_OPEN | NR_ROS_M_DEFNAME),
	K("/interface veth", "name", NULL),
	{ "/disk", NR_ROS_KEYED, "slot", NULL, NULL, NULL, NR_ROS_M_OPEN,
	    NULL },
	K("/interface 6to4", "name", "local-address=0.0.0.0 mtu=auto"),
	K("/interface wireguard", "name", NULL),
	KB("/interface wireless security-profiles", "name",
	    "mode=none authentication-types=\"\" "
	    "management-protection=disabled group-key-update=5m "
	    "eap-methods=passthrough group-ciphers=aes-ccm "
	    "unicast-ciphers=aes-ccm tls-mode=no-certificates",
	    b_security_profiles),
	{ "/interface wireless", NR_ROS_KEYED, "name", NULL,
	    "security-profile=default", NULL, NR_ROS_M_OPEN | NR_ROS_M_DEFNAME,
	    NULL },
	{ "/interface wifi", NR_ROS_KEYED, "name", NULL, NULL, NULL,
	    NR_ROS_M_OPEN | NR_ROS_M_DEFNAME, NULL },
	F("/ip neighbor discovery", "discover=yes", NULL, NR_ROS_M_OPEN),
	K("/interface pppoe-client", "name",
	    "disabled=yes add-default-route=no use-peer-dns=no "
	    "default-route-distance=1 profile=default keepalive-timeout=10 "
	    "user=\"\" password=\"\""),
	K("/interface bonding", "name", NULL),
	K("/interface vlan", "name", "mtu=1500 arp=enabled use-service-tag=no"),
	K("/interface eoip", "name", NULL),
	K("/interface gre", "name", NULL),
	K("/interface ipip", "name", NULL),
	K("/interface vxlan", "name", NULL),
	K("/interface vrrp", "name", NULL),
	KB("/interface list", "name", "include=\"\" exclude=\"\"",
	    b_interface_list),
	KB("/interface lte apn", "name",
	    "add-default-route=yes use-peer-dns=yes", b_default),
	KB("/ip dhcp-client option", "name", NULL, b_dhcp_client_option),
	K("/iot lora servers", "name", NULL),
	K("/ip dhcp-server option", "name", "value=\"\" force=no"),
	K("/ip firewall layer7-protocol", "name", NULL),
	KB("/ip hotspot profile", "name",
	    "dns-name=\"\" hotspot-address=0.0.0.0 login-by=cookie,http-chap "
	    "http-cookie-lifetime=3d use-radius=no split-user-domain=no",
	    b_default),
	KB("/ip hotspot user profile", "name",
	    "shared-users=1 idle-timeout=none keepalive-timeout=2m "
	    "status-autorefresh=1m mac-cookie-timeout=3d add-mac-cookie=yes "
	    "transparent-proxy=no address-list=\"\"",
	    b_default),
	KB("/ip ipsec mode-config", "name",
	    "responder=no use-responder-dns=exclusively", b_mode_config),
	KB("/ip ipsec policy group", "name", NULL, b_default),
	KB("/ip ipsec profile", "name",
	    "hash-algorithm=sha1 lifetime=1d nat-traversal=yes "
	    "proposal-check=obey",
	    b_default),
	K("/ip ipsec peer", "name",
	    "profile=default exchange-mode=main send-initial-contact=yes "
	    "passive=no"),
	KB("/ip ipsec proposal", "name",
	    "auth-algorithms=sha1 "
	    "enc-algorithms=aes-256-cbc,aes-192-cbc,aes-128-cbc lifetime=30m "
	    "pfs-group=modp1024",
	    b_default),
	K("/ip kid-control", "name", NULL),
	K("/ip pool", "name", "next-pool=none"),
	K("/ipv6 pool", "name", NULL),
	K("/ip dhcp-server", "name",
	    "address-pool=static-only authoritative=yes add-arp=no "
	    "bootp-support=static use-radius=no lease-script=\"\" "
	    "use-reconfigure=no"),
	F("/port", NULL, NULL, NR_ROS_M_OPEN),
	K("/ip hotspot", "name", "profile=default address-pool=none"),
	KB("/ppp profile", "name",
	    "only-one=default use-encryption=default use-compression=default "
	    "use-mpls=default use-upnp=default bridge-learning=default "
	    "change-tcp-mss=yes address-list=\"\" on-up=\"\" on-down=\"\"",
	    b_ppp_profile),
	KB("/queue type", "name",
	    "pfifo-limit=50 sfq-allot=1514 sfq-perturb=5 pcq-limit=50KiB "
	    "pcq-total-limit=2000KiB pcq-burst-time=10s pcq-burst-rate=0 "
	    "pcq-burst-threshold=0 pcq-rate=0 pcq-src-address-mask=32 "
	    "pcq-dst-address-mask=32 pcq-src-address6-mask=128 "
	    "pcq-dst-address6-mask=128 mq-pfifo-limit=50",
	    b_queue_type),
	KB("/routing bgp template", "name", "routing-table=main",
	    b_bgp_template),
	F("/tool user-manager customer", NULL, NULL, NR_ROS_M_OPEN),
	K("/tool user-manager profile", "name", NULL),
	K("/interface l2tp-client", "name",
	    "disabled=yes profile=default-encryption max-mtu=1450 "
	    "max-mru=1450"),
	{ "/queue simple", NR_ROS_ORDERED, "name", NULL,
	    "max-limit=0/0 limit-at=0/0 priority=8/8 parent=none", NULL, 0,
	    NULL },
	K("/queue tree", "name", "packet-mark=\"\""),
	L("/routing id", NULL),
	K("/routing ospf instance", "name", "vrf=main"),
	K("/routing ospf area", "name", "area-id=0.0.0.0 type=default"),
	K("/routing table", "name", NULL),
	KB("/snmp community", "name",
	    "security=none read-access=yes write-access=no "
	    "authentication-protocol=MD5 encryption-protocol=DES",
	    b_snmp_community),
	KB("/system logging action", "name",
	    "memory-lines=1000 memory-stop-on-full=no disk-lines-per-file=1000 "
	    "disk-file-count=2 disk-stop-on-full=no remember=yes "
	    "remote-port=514 src-address=0.0.0.0 bsd-syslog=no "
	    "syslog-facility=daemon syslog-severity=auto "
	    "syslog-time-format=bsd-syslog",
	    b_logging_action),
	KB("/user group", "name", "skin=default", b_user_group),
	/* the rest, close to alphabetical */
	OP("/caps-man access-list", NULL, "action=accept", pr_action),
	S("/caps-man manager",
	    "enabled=no certificate=none ca-certificate=none "
	    "require-peer-certificate=no upgrade-policy=none "
	    "package-path=\"\""),
	KB("/caps-man manager interface", "interface", "forbid=no",
	    b_capsman_iface),
	O("/caps-man provisioning", NULL,
	    "action=none name-format=cap slave-configurations=\"\" "
	    "radio-mac=00:00:00:00:00:00 identity-regexp=\"\" "
	    "hw-supported-modes=\"\""),
	L("/container", NULL),
	K("/container mounts", "name", NULL),
	S("/container config", NULL),
	S("/certificate settings", "crl-store=ram"),
	OP("/interface bridge filter", "chain", "action=accept", pr_action),
	OP("/interface bridge nat", "chain", "action=accept", pr_action),
	K("/interface bridge port", "interface",
	    "pvid=1 frame-types=admit-all trusted=no horizon=none edge=auto "
	    "broadcast-flood=yes"),
	S("/interface bridge settings",
	    "use-ip-firewall=no allow-fast-path=yes "
	    "use-ip-firewall-for-pppoe=no use-ip-firewall-for-vlan=no"),
	S("/ip firewall connection tracking",
	    "enabled=auto loose-tcp-tracking=yes generic-timeout=10m "
	    "icmp-timeout=10s tcp-close-timeout=10s "
	    "tcp-close-wait-timeout=10s tcp-established-timeout=1d "
	    "tcp-fin-wait-timeout=10s tcp-last-ack-timeout=10s "
	    "tcp-max-retrans-timeout=5m tcp-syn-received-timeout=5s "
	    "tcp-syn-sent-timeout=5s tcp-time-wait-timeout=10s "
	    "tcp-unacked-timeout=5m udp-stream-timeout=3m"),
	S("/ip neighbor discovery-settings",
	    "lldp-med-net-policy-vlan=disabled"),
	S("/ip settings",
	    "tcp-syncookies=no accept-source-route=no rp-filter=no "
	    "allow-fast-path=yes accept-redirects=no arp-timeout=30s "
	    "icmp-rate-limit=10 icmp-rate-mask=0x1818 ip-forward=yes "
	    "route-cache=yes secure-redirects=yes send-redirects=yes"),
	S("/ipv6 settings",
	    "disable-ipv6=no "
	    "accept-router-advertisements=yes-if-forwarding-disabled "
	    "accept-redirects=yes-if-forwarding-disabled"),
	K("/interface bridge vlan", "bridge,vlan-ids",
	    "tagged=\"\" untagged=\"\""),
	K("/tool user-manager profile limitation", "name", NULL),
	K("/interface pppoe-server server", "interface,service-name",
	    "disabled=yes service-name=\"\""),
	S("/interface detect-internet",
	    "detect-interface-list=none internet-interface-list=none "
	    "lan-interface-list=none wan-interface-list=none"),
	S("/interface l2tp-server server",
	    "enabled=no use-ipsec=no ipsec-secret=\"\" "
	    "default-profile=default-encryption "
	    "authentication=pap,chap,mschap1,mschap2 max-mtu=1450 "
	    "max-mru=1450 mrru=disabled keepalive-timeout=30 "
	    "max-sessions=unlimited one-session-per-host=no "
	    "allow-fast-path=no caller-id-type=ip-address"),
	K("/interface list member", "list,interface", NULL),
	G("/interface ovpn-server server",
	    "port=1194 mode=ip netmask=24 max-mtu=1500 keepalive-timeout=60 "
	    "default-profile=default require-client-certificate=no"),
	K("/interface wireguard peers", "interface,public-key",
	    "endpoint-address=\"\" endpoint-port=0 persistent-keepalive=0s "
	    "responder=no"),
	S("/iot lora traffic options", NULL),
	S("/interface pptp-server server",
	    "enabled=no authentication=mschap1,mschap2 "
	    "default-profile=default-encryption keepalive-timeout=30 "
	    "max-mru=1450 max-mtu=1450 mrru=disabled"),
	S("/interface sstp-server server",
	    "default-profile=default enabled=no "
	    "authentication=pap,chap,mschap1,mschap2 certificate=none "
	    "force-aes=no keepalive-timeout=60 max-mru=1500 max-mtu=1500 "
	    "mrru=disabled pfs=no port=443 tls-version=any "
	    "verify-client-certificate=no"),
	O("/interface wireless access-list", NULL,
	    "interface=any mac-address=00:00:00:00:00:00 authentication=yes "
	    "ap-tx-limit=0 vlan-mode=default"),
	S("/interface wireless cap",
	    "caps-man-addresses=\"\" certificate=none enabled=no "
	    "interfaces=\"\" lock-to-caps-man=no "
	    "caps-man-certificate-common-names=\"\" discovery-interfaces=\"\" "
	    "bridge=none caps-man-names=\"\" static-virtual=no"),
	S("/interface wireless snooper",
	    "receive-errors=no channel-time=200ms multiple-channels=yes"),
	S("/ip accounting",
	    "account-local-traffic=no enabled=no threshold=256"),
	K("/ip address", "address,interface", NULL),
	K("/ip arp", "address,interface", NULL),
	S("/ip cloud", "ddns-update-interval=none update-time=yes"),
	K("/ip dhcp-client", "interface",
	    "add-default-route=yes use-peer-dns=yes use-peer-ntp=yes "
	    "default-route-distance=1 script=\"\""),
	S("/ip dhcp-server config",
	    "store-leases-disk=5m accounting=yes interim-update=0s"),
	K("/ip dhcp-server lease", "server,address",
	    "address-lists=\"\" block-access=no"),
	K("/ip dhcp-server network", "address",
	    "gateway=\"\" netmask=0 dns-server=\"\" ntp-server=\"\" "
	    "wins-server=\"\" domain=\"\" dhcp-option=\"\" caps-manager=\"\" "
	    "dns-none=no boot-file-name=\"\""),
	S("/ip dns",
	    "allow-remote-requests=no servers=\"\" cache-max-ttl=1w "
	    "cache-size=2048KiB max-concurrent-queries=100 "
	    "max-concurrent-tcp-sessions=20 max-udp-packet-size=4096 "
	    "query-server-timeout=2s query-total-timeout=10s "
	    "use-doh-server=\"\" doh-max-concurrent-queries=50 "
	    "doh-max-server-connections=5"),
	L("/ip dns static", "ttl=1d match-subdomain=no address-list=\"\""),
	K("/ip firewall address-list", "list,address", NULL),
	OP("/ip firewall filter", "chain", FW_DEFAULTS, pr_action),
	OP("/ip firewall mangle", "chain", FW_DEFAULTS, pr_action),
	OP("/ip firewall nat", "chain", FW_DEFAULTS, pr_action),
	OP("/ip firewall raw", "chain", FW_DEFAULTS, pr_action),
	F("/ip firewall service-port", NULL, b_service_port, NR_ROS_M_OPEN),
	F("/ip hotspot service-port", NULL, b_hotspot_service_port,
	    NR_ROS_M_OPEN),
	L("/ip ipsec identity",
	    "auth-method=pre-shared-key generate-policy=no secret=\"\""),
	KB("/ip hotspot user", "name", "profile=default", b_hotspot_user),
	LB("/ip ipsec policy",
	    "proposal=default protocol=all src-port=any dst-port=any "
	    "tunnel=no",
	    b_ipsec_policy),
	S("/ip proxy",
	    "cache-administrator=webmaster max-client-connections=600 "
	    "max-fresh-time=3d max-server-connections=600 parent-proxy=:: "
	    "port=8080 serialize-connections=no always-from-cache=no "
	    "anonymous=no cache-hit-dscp=4 cache-on-disk=no "
	    "cache-path=web-proxy enabled=no max-cache-object-size=2048KiB "
	    "max-cache-size=unlimited parent-proxy-port=0 src-address=::"),
	O("/ip proxy access", NULL, NULL),
	L("/ip route",
	    "dst-address=0.0.0.0/0 distance=1 scope=30 target-scope=10 "
	    "routing-table=main suppress-hw-offload=no"),
	L("/ipv6 route",
	    "distance=1 scope=30 target-scope=10 routing-table=main"),
	F("/ip service", "address=\"\" certificate=none tls-version=any",
	    b_service, NR_ROS_M_OPEN),
	S("/ip smb",
	    "domain=MSHOME allow-guests=yes interfaces=all "
	    "comment=MikrotikSMB"),
	L("/ip smb shares", "max-sessions=10"),
	L("/ip smb users", "read-only=yes"),
	S("/ip ssh",
	    "strong-crypto=no allow-none-crypto=no "
	    "always-allow-password-login=no forwarding-enabled=no "
	    "host-key-size=2048 host-key-type=rsa ciphers=auto"),
	L("/ip tftp", NULL),
	S("/ip tftp settings", "max-block-size=4096"),
	S("/ip traffic-flow",
	    "interfaces=all enabled=no sampling-interval=0 sampling-space=0 "
	    "active-flow-timeout=30m inactive-flow-timeout=15s "
	    "packet-sampling=no"),
	K("/ipv6 address", "address,interface",
	    "advertise=yes eui-64=no no-dad=no from-pool=\"\""),
	K("/ipv6 dhcp-client", "interface", NULL),
	K("/ipv6 firewall address-list", "list,address", NULL),
	OP("/ipv6 firewall filter", "chain", FW_DEFAULTS, pr_action),
	OP("/ipv6 firewall mangle", "chain", FW_DEFAULTS, pr_action),
	OP("/ipv6 firewall nat", "chain", FW_DEFAULTS, pr_action),
	OP("/ipv6 firewall raw", "chain", FW_DEFAULTS, pr_action),
	S("/ip upnp",
	    "enabled=no show-dummy-rule=yes "
	    "allow-disable-external-interface=no"),
	S("/ppp aaa",
	    "use-radius=no accounting=yes interim-update=0s "
	    "use-circuit-id-in-nas-port-id=no"),
	K("/ip upnp interfaces", "interface,type", NULL),
	KB("/ipv6 nd", "interface",
	    "ra-interval=3m20s-10m ra-preference=medium", b_ipv6_nd),
	K("/routing bgp connection", "name", "connect=yes listen=yes"),
	K("/routing ospf network", "network", NULL),
	K("/ppp secret", "name", "service=any profile=default"),
	O("/routing filter rule", "chain", NULL),
	O("/routing ospf interface-template", NULL,
	    "type=broadcast cost=1 priority=128 hello-interval=10s "
	    "dead-interval=40s retransmit-interval=5s transmit-delay=1s"),
	O("/routing rule", NULL, NULL),
	L("/radius", NULL),
	S("/radius incoming", "accept=no port=3799"),
	S("/snmp",
	    "contact=\"\" enabled=no location=\"\" "
	    "trap-generators=temp-exception trap-version=1 "
	    "trap-interfaces=\"\" engine-id=\"\" trap-community=public "
	    "trap-target=\"\""),
	S("/system clock", "time-zone-name=manual time-zone-autodetect=yes"),
	S("/system identity", "name=MikroTik"),
	S("/system leds settings", "all-leds-off=never"),
	LB("/system logging",
	    "action=memory prefix=\"\" topics=\"\" regex=\"\"", b_logging),
	S("/system note", "note=\"\" show-at-login=yes show-at-cli-login=no"),
	S("/system ntp client", "enabled=no mode=unicast vrf=main"),
	S("/system ntp server",
	    "enabled=no multicast=no broadcast=no manycast=no"),
	S("/tool user-manager database", NULL),
	K("/system ntp client servers", "address",
	    "iburst=yes min-poll=6 max-poll=10 auth-key=none"),
	L("/tool user-manager profile profile-limitation", NULL),
	S("/system routerboard settings",
	    "auto-upgrade=no boot-device=nand-if-fail-then-ethernet "
	    "boot-protocol=bootp force-backup-booter=no "
	    "protected-routerboot=disabled reformat-hold-button=20s "
	    "reformat-hold-button-max=10m silent-boot=no"),
	S("/system routerboard mode-button", NULL),
	K("/system scheduler", "name", "interval=0s on-event=\"\""),
	K("/system script", "name", "source=\"\" dont-require-permissions=no"),
	S("/tool bandwidth-server",
	    "enabled=yes authenticate=yes allocate-udp-ports-from=2000 "
	    "max-sessions=100"),
	S("/tool e-mail",
	    "from=<> password=\"\" port=25 user=\"\" address=0.0.0.0 "
	    "start-tls=no tls=no"),
	S("/tool graphing", "page-refresh=300 store-every=5min"),
	G("/tool mac-server", NULL),
	K("/tool user-manager router", "name", NULL),
	G("/tool mac-server mac-winbox", NULL),
	L("/tool netwatch", "type=simple"),
	S("/tool romon", "enabled=no id=00:00:00:00:00:00 secrets=\"\""),
	S("/tool sniffer",
	    "streaming-server=0.0.0.0:37008 filter-port=\"\" "
	    "filter-interface=\"\" filter-ip-protocol=\"\" "
	    "filter-operator-between-entries=or streaming-enabled=no "
	    "filter-mac-protocol=\"\" file-name=\"\" file-limit=1000KiB "
	    "filter-cpu=\"\" filter-direction=any filter-ip-address=\"\" "
	    "filter-ipv6-address=\"\" filter-mac-address=\"\" "
	    "filter-size=\"\" filter-stream=no memory-limit=100KiB "
	    "memory-scroll=yes only-headers=no"),
	K("/tool user-manager user", "username", NULL),
	K("/routing ospf interface", "interface", NULL),
	KB("/user", "name", "address=\"\"", b_user),
};

static const struct nr_ros_menu_def generic = { NULL, NR_ROS_GENERIC, NULL,
	NULL, NULL, NULL, NR_ROS_M_OPEN, NULL };

static const struct nr_ros_refdef refs[] = {
	{ "/interface bridge port", "bridge", "/interface bridge", "name",
	    NULL },
	{ "/ip dhcp-server", "address-pool", "/ip pool", "name",
	    "static-only" },
	{ "/interface list member", "list", "/interface list", "name", NULL },
	{ "/ip pool", "next-pool", "/ip pool", "name", "none" },
	{ "/interface wireguard peers", "interface", "/interface wireguard",
	    "name", NULL },
};

static int def_index(const char *path)
{
	for (size_t i = 0; i < NR_ARRAY_SIZE(defs); i++)
		if (strcmp(defs[i].path, path) == 0)
			return (int)i;
	return -1;
}

const struct nr_ros_menu_def *nr_ros_menu_def(const char *path)
{
	int i = def_index(path);

	return i < 0 ? &generic : &defs[i];
}

static size_t words(const char *path)
{
	size_t n = 0;

	for (const char *p = path; *p; p++)
		n += *p == ' ';
	return n + 1;
}

int nr_ros_menu_rank(const char *path)
{
	int i = def_index(path), best = -1,
	    tail = def_index("/caps-man "
			     "access-list");

	if (i >= 0)
		return i * 4;
	/* an unknown interface type is a definition: with the others */
	if (strncmp(path, "/interface ", 11) == 0 && words(path) == 2)
		return def_index("/interface vrrp") * 4 + 1;
	/* otherwise after the known menu it follows alphabetically */
	for (size_t k = (size_t)tail; k < NR_ARRAY_SIZE(defs); k++)
		if (strcmp(defs[k].path, path) < 0 &&
		    (best < 0 || strcmp(defs[k].path, defs[best].path) > 0))
			best = (int)k;
	return (best < 0 ? tail : best) * 4 + 2;
}

const struct nr_ros_refdef *nr_ros_menu_ref(const char *menu, int i)
{
	for (size_t k = 0; k < NR_ARRAY_SIZE(refs); k++)
		if (strcmp(refs[k].menu, menu) == 0 && i-- == 0)
			return &refs[k];
	return NULL;
}

bool nr_ros_sensitive(const char *key)
{
	static const char *const keys[] = { "private-key", "password", "secret",
		"pre-shared-key", "preshared-key", "wpa-pre-shared-key",
		"wpa2-pre-shared-key", "wpa3-pre-shared-key", "passphrase",
		"authentication-password", "encryption-password",
		"ipsec-secret", "mschapv2-password", "tcp-md5-key",
		"management-protection-key", "static-key-0", "static-key-1",
		"static-key-2", "static-key-3", "static-sta-private-key",
		"security.passphrase", "security.wpa2-pre-shared-key" };

	for (size_t i = 0; i < NR_ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}
