# 2025-09-16 10:12:09 by RouterOS 7.19.3
# software id = 
#
/interface bridge
add name=bridge1 comment="LAN \"main\"; \$x [y]"
/interface ethernet
set [ find default-name=ether1 ] comment=wan
/ip address
add address=192.168.88.1/24 interface=bridge1 network=192.168.88.0
/ip firewall filter
add action=accept chain=input connection-state=established,related
add action=drop chain=input in-interface-list=!LAN
/ip service
set telnet disabled=yes
/system identity
set name="\D0\9F\D1\80\D0\B8"
