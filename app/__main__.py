from axiosphere.cli import main

main()
