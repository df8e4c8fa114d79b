/ip zf comment=a/ientrface wicr $$$$"$$$$$$$$$'$$$$ $$ $$$$$$$$$$$$$$$$$$"$$$$$$$$$$'$$$ $$$$$$$$$'$$r4 name=eth4_VLA10N vlan-id=10
add arp=reply-only interface=
set b disanat comment=a
add chain=srcnat comment=»ÿÿÿether4 name=ethisplay-time=5s
set u.role=ebgp name=b
/interface lte set [ find ] !band mtu=1500
/ip service disable teÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿlnet,ftp
/urces disabled=yes display-time=5s
set u.role=ebgp naÿÿÿÿÿÿÿÿme=b
/interface lte set d=yes disme=5s
set bits disabled=yes display-time=5s
set version disabled=yes display-time=5s
set identity dislot9
set slot10 slot/caps-man access-list=slot10
set slot11 slot=slot11
/interfot1
set slot7 slot=slot7
set slot8 slot=ostl8
set slot9 slot=ge
set time disabled=yes display-time=5s
set resources disabled=yes d3 slot=slot3
set slot4 slot=slot4
set slot5 #la-ynamic
set [ find name=] add rslot=slot5
set slot6 slot=slot1
set slot7 slot=slot7
set slot8 slot=slot8
set slot9 slot=slot0
set slot10 slot=slot10
set syyy/system scheduyy,,,,,,,,,,,,,,,,,,,,,M,,,,antimeager customer
set admÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ,,,,,=user-manager customer
set admI,,,yyyyyyyyyyyyyyyy/system scheduyy,,,,,M,,,,,,,,,,,,,,,,M,,,,anager customer
set admÿÿÿÿÿÿÿÿÿÿÿÿÿorig-ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ,,,,,=,,,,wn-libwo2,,,~,,,,,2,,,,,,=#,,,wn-libwo2-0own-lise/201ÿÿ10:10:52 by VouterOM.42.user-manager customer
set admIss-fdisableg=bo namğ=binterface wireless sface=ether4 name=eth4_VLA10N vlan-id=10
add as
set identity dislot9
set slot10 slot/caps-man access-list=slot10
set slot10 slot=slot11
/interface wireless sface=ether1 name=eth4_VLA10N vlan-id=10
add arp=reply-only interface=»ÿÿÿether4 name=ethisplay-time=5s
set essaebooku.role=ebgp name=b
/interface lte set [ find ] !band mtu=1500
/ip service disable teÿÿÿÿÿÿÿÿÿÿÿÿÿÿt=slot0
se
t sl0
add arp=reply-only interface=»ÿÿÿether4 name=ethisplay-time=5s
set u.role=ebgp name=b
/interface lte set [ find ] !band amtu=1500
/ip service disable teÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ,net,ftp
/urces disabled=yes display-time=5s
set u.role=ebgp name=b
/interface lte set d=yes disme=5s
set bits disabled=yes display-time=5s
set version disabled=yes display-time=5s
set identity di“š›Âes diyes display-timÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ,net,ftp
/urces disabled=yes display-time=5s
set u.role=ebgp name=b
/interface lte set d=yes disme=5s
set bits disabled=yes disset version disabled=yes display-time=5s
set idÿÿÿ?entity diH“š›Âes diyes d$ $$$$$$efore