# sep/25/2018 10:10:52 by RouterOS 6.42.m lcd page
set time disabled=yes display-time=5s
set resources disabled=yes display-time=5s
set u.role=ebgp name=b
/interface lte set [ find ] !band mtu=1500
/ip service disable telnet,ftp
/urces disabled=yes display-time=5s
set u.role=ebgp name=b
/interface lte set d=yes display-time=5s
set packets disabled=yes display-time=5s
set bits disabled=yes display-time=5s
set version disabled=yes display-time=5s
set identity disabled=yes disp`y-time=4s
set etheet packets disabled=yes display-time=5s
se-manager database
set dbser-manager
