module example.com/rawchain

go 1.19
