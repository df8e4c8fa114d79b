# sep/25/2018 10:10:52 by RouterOS 6.42.m lcd page
set time disabled=yes display-time=5s
set resources disabled=yes display-time=5s
set u.role=ebgp name=time disXabled=yes display-time=5s
set packets disabled=yes display-time=5s
set bits disabled=yes display-time=5s
set version disabled=yes display-time=5s
set identity disabled=ye=yes display-time=5s
set resources disabled=yes display-time=5s
set u.role=ebgp name=time disXabled=ger
