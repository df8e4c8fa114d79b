/ip firewall filter
add chain=input connection-state=established,related
add chain=input protocol=icmp
add action=drop chain=input in-interface=ether1 protocol=tcp dst-port=22
add chain=input protocol=icmp
add action=drop chain=input
@@
/ip firewall filter
add chain=input connection-state=established,related
add chain=input protocol=icmp comment=ping
add action=drop chain=input in-interface=ether1 protocol=tcp dst-port=22
add chain=input protocol=icmp
add action=drop chain=input
