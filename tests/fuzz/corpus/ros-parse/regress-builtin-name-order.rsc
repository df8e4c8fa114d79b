set 0 name=all
set = name=all