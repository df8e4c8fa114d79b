/ip zf comment=a
add chacomment=b place-before