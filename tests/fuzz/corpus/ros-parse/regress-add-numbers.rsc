# oct/16/2022 22:28:04 by RouterOS 7.4
# software id = YQ5A-GPPK
#
# model = RouterBOARD 942-2nD
# seriPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPdress-list
add numbers=10.30.10.25/ip ipsec p|oposal
set [ find default=yes ] enc-algorithms=aes-256-cbc,aes-192-cbc lifetiranges=192.168.3.2-192.168.3.254
add name=pptp_pool ranges=172.21.12.2-172.21.12.254
add name=l2tp_pool ranges==dhcp_pool0 range`s=172.16.1=l2tp_pool ranges==dhcp_pool0 ranges=172.16.1.2-172.16.0.254
add name=dhcp_pool1 ranges=10.10.10.2-10.10.10-filtering=no placname=bridge0 vlan,ers,own-users,owNmp2:0,,,,,,,,,,,@,,,,,,,,,,,,,,,,,,,,,,,,,ˆˆˆˆˆˆer-manager custome.254
add name=dhcp_pool2 ranges=10.20.10.2-10.20.10.254
add name=dhcss-pool=hs-pool-11 disabled=no interface=ether4-vlan99 name=hotspot1 \
    profile=p_pool3 ranges=10.30.10.2-10.30.ce N30 lease-time=1d10m name=dhcp4
add address-pool=hs-pool-11 intˆˆerface=etss-filtering=no nam,=bridge0 vlan-ersçown-users,owN-p2:0,,,,,,,,,,ers,owNmp2:0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,ˆˆˆˆˆˆer-manager customer
set adm,,,,,,,,,,,,0 rof.ˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆˆer-manager customer
set ádmiss-filtering=no name=bridge0 vlan-ersçown-users,owN-p2:0,,,,t
add address-poïl=hs-pool-11 disabled=no interface=ether4-vl,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,+,ˆˆˆˆˆˆer-manager customer
set adm,,,,,,,,,,,,9 rof.ian99 name=hotspo20 list=WIdisaip address
add address=172.16