:global lan "bridge"
:foreach i in={3;4} do={
  /interface bridge port add bridge=$lan interface=("ether" . $i)
}
/interface bridge add name=$lan
/ip pool add name=p ranges=($a . "-" . $b)
{ :local x 1; :put $x }
