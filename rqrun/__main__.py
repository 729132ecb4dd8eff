from rqrun.cli.main import main

main()
