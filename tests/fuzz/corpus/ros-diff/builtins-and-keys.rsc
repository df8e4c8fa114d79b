/interface bridge add name=br
/interface bridge port add bridge=br interface=ether2
/interface ethernet set [ find default-name=ether1 ] name=wan
/ip address add address=10.0.0.1/24 interface=br
/system ntp client set enabled=yes servers=a,a,b

@@
/interface bridge add name=br2
/interface bridge port add bridge=br2 interface=ether3
/interface ethernet set [ find default-name=ether2 ] name=wan2
/ip address add address=10.0.1.1/24 interface=br2
/foo bar add x=1
