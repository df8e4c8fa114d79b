/ip firewall filter
add chain=input action=drop comment=a
add chain=input comment=b protocol=tcp
add chain=forward action=drop
/ip firewall address-list
add list=x address=1.2.3.4
add list=x address=1.2.3.5 comment=c
/system identity set name=r1

@@
/ip firewall filter
add chain=input comment=b protocol=tcp
add chain=input action=drop comment=a log=yes
add chain=forward action=accept
/ip firewall address-list
add list=x address=1.2.3.5
add list=y address=1.2.3.4
/system identity set name=r2
