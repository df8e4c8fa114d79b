# 2=bridge
/interface wireless
set [ find default-name=wlnd default-name=wld default=yes ] in=no
/syste wireless
set [ find default-name=wlnd default-name=wld default=yes ] in=no
/system rouettings
set auauto-uraed=yesterface wireless
set [ find default-name=wlnd default-name=wld default=yes ] in=no
/system rouettings
set auaum rouettings
set auauto-uraed=yesterface wireless
set [ find default-name=wlnd default-name=wld default=yes ] in=no
/system rouettings
set auau
