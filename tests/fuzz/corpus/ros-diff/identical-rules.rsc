/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=drop chain=input in-interface=ether1 comment=wan
add action=accept chain=input protocol=icmp
add action=accept chain=input protocol=icmp
add action=drop chain=input
@@
/ip firewall filter
add action=accept chain=input connection-state=established,related comment=est
add action=drop chain=input in-interface=ether1 comment=wan
add action=accept chain=input protocol=icmp
add action=accept chain=input protocol=icmp
add action=drop chain=input
