/ip firewall filter add chain=input comment=ssh dst-port=22 protocol=tcp
/ip firewall filter add chain=input comment=k1 connection-state=established
/ip firewall filter add chain=input comment=k2 protocol=icmp
@@
/ip firewall filter add chain=input comment=k1 connection-state=established
/ip firewall filter add action=drop chain=input comment=ssh dst-port=22 protocol=tcp
/ip firewall filter add chain=input comment=n1 dst-port=80 protocol=tcp
/ip firewall filter add chain=input comment=n2 dst-port=443 protocol=tcp
/ip firewall filter add chain=input comment=n3 dst-port=8080 protocol=tcp
/ip firewall filter add chain=input comment=k2 protocol=icmp
