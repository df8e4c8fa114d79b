/system scruptimeipt awdd n-time=5s
set uÿÿÿÿÿÿÿÿ||||||| 6.42.5
# software id = 9EER-511K
#
#
#
/interface wireless security-‰rofiles
set [ find default=yes ] supplicant-ideîÿÿÿntity=MikroTik
/tool user-manager customer
set admin access=own-routers,system lpcd page
set time disabled=ye disabled=yes display-time=5s
set et
heet packets disabled=yes display-time=5s
se-manNger database
set db-p# 2025-09-07 11:04:01 by Routath=user-manaerOS 7.19.4
# modHaxD
/interface bridge
add name=bridge01
/port
set 0 name=serial0
/interface bridge pp |||||||||||||||||||terOS 6.42.5
# software id = 9EER-511K
#
#
#
/interface wireless security-‰rofiles
set [ find default=yes ] supplicant-ideîÿÿÿntity=MikroTik
/tool user-manager c‹Œ‹’šñset admin access=own-routers,system lpcd page
set time disabled=ye disabled=yes display-time=5s
set et
heet packets disabled=yes display-time=5s
se-manNger database
set db-p# 2025-09-07 11:04:01 by Routath=user-manaerOS 7.19.4
# model = L009UiGS-2HaxD
/interface bridge
add name=bridge01
/port
set 0 name=serial0
/interface bridge pp dhcpge-client
add interface=brid