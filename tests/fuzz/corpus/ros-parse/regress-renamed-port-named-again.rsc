# feb/02/2022 11:07:43 by RouterOS 6.49.2
#
# model = RBLHGR
/interface ethernet
set [ find d.1.5,10.202.1.6,10.4.1.11 jjjjjjjjjjjjjjjjjjjjjjjgateway=\
    10.10.10.1
add address=10.20.10.0/24 dns-server=10.202.1.5,10.202.1.6,10/4.1.11 gateway=\
    10.20.10.1
add ad address=10.10.10.0/24 dns-server=10.202.1.5,10.202.1.6,10.4.1.11 gateway=\
    10.10.10.1
add address=10.20.10.0/24 dns-s2rver=10.202.1.5,10.202.1.6,10.4.1.11 gateway=\
    10.2lgo-2=none static-algo-3=none static-key-0="" static-key-1="" static-key-2="" static-key-3="" static-sta-private-algo=none static-sta-private-key="" st!atic-transmit-key=key-0 supplicant-identity=\
    MikroTik tls-certificate=none tls-mode=no-certificates unicast-ciphers=aes-ccm wpa-pre-shared-key="" wpa2-pre-shared-key=""
/ip dhcp-client hostname value="\$(HOSTNAME)"
/ip hotspot profile
set [ find default=yes ] dns-name="" hotspot-address=0.0.0.0 html-directory=flash/hotspot html-directory-override=""me=default rate-limit="" smtp-server=0.0.0.0 \
    split-user-domain=no use-radius=no
/ip hotspot user profile
set [ find default=yes ] add-mac-cookie=yes address-list="" idle-timeout=none !insert-queue-before keepalive-timeout=2m mac-cookie-timeout=3d name=default !parent-queue !queue-type shared-userall ] comment="contains all interfaces" exclude="" include="" name=all
set [ find name=none ] comment="contaaces" exclude="" include="" name=all
set [ find name=none ] comment="contains no interfaces" exclude="" includמממממממממממממממממממממממממממidge
/iln