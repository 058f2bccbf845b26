module example.com/racerun

go 1.19
