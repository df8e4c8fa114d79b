/ip firewall nat
add chain=srcnat comment=a
add chain=srcnat comment=b place-before=[ find where comment="a" ]
move numbers=[ find comment=a ] destination=0
/routing bgp connection add local.address=1.2.3.4 .role=ebgp name=b
/interface lte set [ find ] !band mtu=1500
/ip service disable telnet,ftp
/ppp profile set *FFFFFFFE use-encryption=required
/ip dhcp-server network unset [ find ] value-name=dns-server
