module example.com/journalstack

go 1.21
