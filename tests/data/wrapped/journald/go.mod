module example.com/journald

go 1.21
