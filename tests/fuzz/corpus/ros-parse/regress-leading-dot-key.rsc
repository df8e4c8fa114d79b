/iind commentame=b
/interface lte set [ find ] !band mtu=9499
/ip service dizable tebnegpame=b
/interface lte set ÿÿÿÿÿÿÿÿ .4cal.address=1.2.3.4 .role=ebgp name=
/ibnterface lte set [ find ] !band mtu=1500
/ip servics=1.2.3.4 .role= bnegpame=b
/interface lte set ÿÿÿÿÿÿÿÿ !band mtu=1500
/i .role=ebgp name=
/ibnterface lte set [ find ] !band mtu=1500
/ip servics=zzzzzzzzzzzzzzzzzzzzzu=1500
/ip service disabìe tip service disable telnr
