/system script add name=s source=":log info \"a\";\r\
    \n:put \$x\r\n" policy=read
/port set 0 name=serial0
