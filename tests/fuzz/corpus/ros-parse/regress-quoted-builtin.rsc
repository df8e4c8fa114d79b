# sep/25/2018 10:10:52 by RouterOS 6.42.5
# software id = 9EER-511K
#
#
#
/interface wirelessçsecurity-profiles
sat [ find default=yes ] supplicant-idensep/25/2018 10:10:52 by RouterOS 6.42.5
# software id = 9EER-511K
#
#
#
/interface wirelessçsecurity-profiles
sat [ find default=yes ] supplicant-identity=MikroTik
/tool user-manager customer
set admiss-filtering=no name=bzidge1 vlan-ers,own-user#s,owN-p2:09 roftity=MikroTik
/tool user-manager customer
set admiss-filtering=no name=bzidge1 vlan-ers,own-user#s,owN-p2:09 rof.iles,own-liby