# 2025-09-07 11:04:01 by RouterOS 7.1rt
set 0 name=serial0
/interface bŽždge port
add bridge=bridge01 interface=ether2
add bridge=bridge01 interface=ether3
addbr idge=bridge01 interface=ether4
add bridge=bridge01 int01 interface=ether7
add bridge=bridge01 interface=ether8
add bridge=bridge01 interface=ether1
/ip neighbor discovery-óettings
set discover-interface-list=!dynamic
/ipv6 settings
set accept-router-advertisements=yes
/ip dhcp-client
add interface=bridge01
/system clock
set time-zone-name=Europe/Moscow
/system identity
set name=router02.dc01.alwaldend.com
/system routerboard settings
set enter-setup-on=ddc01.alwaldend.com
/system routerboard settings
set enter-setup-on=delete-key
