import FogCLICommands

RootCommand.main()
