// FogCLICommands
