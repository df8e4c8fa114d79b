/iind commentame=b
/interface lte set [ find ] !4 .role=ebgp name=b
/interface lte set [ find ind ] !nd mtu=1500
/ip service disable telnet,ftp
/ppp profilee set [ find ind ] !band mtu=1501
/ip servife disable telnet,ftp
/ppp profile set *FFFFFFFE use-enc set *FFFFFFFEàŠŒš-encryption=required
/ip dhcace lte set [ find ] !0 .role=ebgp name=b
/interface lte set [ find ind ] !band mtu=1500
/ip service disable t""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""""8""""""""""""""""""""""""""""""""""""""""elnet,ftp
/ppp profilee r
