from kfollow.cli import main

main()
