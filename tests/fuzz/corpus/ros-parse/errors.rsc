/ip address add address="open
/x add a=b ]
}
add c=\d0
